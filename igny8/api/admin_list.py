"""The API keys list declared as data: columns, sorts, the status and scope filters, search."""
from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqlalchemy import case
from sqlalchemy.orm import selectinload

from igny8.admin.lists import Column, Filter, ListOptions
from igny8.models.api_keys import SCOPES, ApiKey

K = ApiKey
STATUS = case((K.revoked_at.is_(None), "active"), else_="revoked")
TIME = "%Y-%m-%d %H:%M"


def prefix(row: ApiKey, extra: dict[str, Any]) -> Markup:
    """The key's first characters, the rest elided."""
    return Markup("<code>%s…</code>") % row.prefix


def status(row: ApiKey, extra: dict[str, Any]) -> Markup:
    """Active, or revoked with its time."""
    if row.is_revoked:
        return Markup('<span class="badge bg-secondary">revoked %s</span>') % (
            row.revoked_at.strftime(TIME))
    return Markup('<span class="badge bg-success">active</span>')


KEY_LIST = ListOptions(
    model=ApiKey,
    columns=(
        Column("name", "Name", lambda row, _: row.name, K.name),
        Column("prefix", "Prefix", prefix),
        Column("scope", "Scope", lambda row, _: row.scope, K.scope),
        Column("created", "Created (UTC)", lambda row, _: row.created_at.strftime(TIME),
               K.created_at),
        Column("by", "By", lambda row, _: row.created_by.email if row.created_by else "cli"),
        Column("last_used", "Last used (UTC)", lambda row, _: (
            row.last_used_at.strftime(TIME) if row.last_used_at else "never"), K.last_used_at),
        Column("status", "Status", status, K.revoked_at.is_not(None),
               title="Active keys first"),
    ),
    filters=(
        Filter("status", "Status", STATUS, {"active": "Active", "revoked": "Revoked"}),
        Filter("scope", "Scope", K.scope, SCOPES),
    ),
    search_fields=(K.name, K.prefix),
    search_help="Search key names and prefixes",
    default_sort="status",
    then_by=(K.created_at.desc(), K.id.desc()),  # newest first within the sort
    load_options=(selectinload(K.created_by),),
    empty_text="No API keys to show.",
)
