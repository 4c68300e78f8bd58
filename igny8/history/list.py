"""The history list declared as data: columns and sorts (its filters are the filter form's)."""
from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from markupsafe import Markup

from igny8.admin.lists import Column, ListOptions
from igny8.history.forms import type_label
from igny8.models.audit import AuditEntry

E = AuditEntry
FILTER_FIELDS = ("object_type", "action", "actor", "date_from", "date_to")


def object_cell(row: AuditEntry, extra: dict[str, Any]) -> Markup:
    """The object's type and a link to its whole history."""
    link = url_for("history.object_history", object_type=row.object_type, object_id=row.object_id)
    return Markup('%s: <a href="%s">%s</a>') % (
        type_label(row.object_type), link, row.object_repr or row.object_id)


def changes_cell(row: AuditEntry, extra: dict[str, Any]) -> Markup:
    """The entry's field-level changes, as the object's history shows them."""
    return Markup(render_template("history/_changes.html", entry=row))


HISTORY_LIST = ListOptions(
    model=AuditEntry,
    columns=(
        Column("when", "When (UTC)", lambda row, _: row.created_at.strftime("%Y-%m-%d %H:%M:%S"),
               E.created_at),
        Column("who", "Who", lambda row, _: row.actor_label, E.actor_label),
        Column("action", "Action", lambda row, _: row.action, E.action),
        Column("object", "Object", object_cell, E.object_repr),
        Column("changes", "Changes", changes_cell),
    ),
    default_sort="-when",
    then_by=(E.id.desc(),),  # newest first among entries of the same time
    keep_args=FILTER_FIELDS,
    empty_text="No recorded changes match these filters.",
)
