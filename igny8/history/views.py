"""History pages: the global audit log and one object's field-level changes."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, abort, current_app, render_template, request, url_for
from werkzeug.routing import BuildError
from sqlalchemy import select

from flask_login import current_user
from igny8.admin.lists import build_list_page, phrase_clause
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.extensions import db
from igny8.history.display import visible_changes
from igny8.history.list import HISTORY_LIST
from igny8.history.forms import OBJECT_TYPES, HistoryFilterForm, type_label
from igny8.models.audit import AuditEntry

bp = Blueprint("history", __name__, url_prefix="/admin/history")
PER_PAGE = HISTORY_LIST.default_page_size
# Where each audited object lives in the admin: (endpoint, name of its id argument or None).
OBJECT_PAGES = {
    "ai_model": ("catalogue.detail", "model_id"),
    "ai_model_prices": ("catalogue.detail", "model_id"),
    "global_settings": ("settings.global_settings", None),
    "account": ("settings.account", "account_id"),
    "account_settings": ("settings.account", "account_id"),
    "api_key": ("api_keys.index", None),
    "user": ("users.index", None),
}


@bp.context_processor
def history_context() -> dict:
    """Names the history templates share."""
    return {"visible_changes": visible_changes}


def _utc_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def filter_conditions(form: HistoryFilterForm) -> tuple:
    """WHERE conditions of the form's filters."""
    conditions = []
    if form.object_type.data:
        conditions.append(AuditEntry.object_type == form.object_type.data)
    if form.action.data:
        conditions.append(AuditEntry.action == form.action.data)
    actor = phrase_clause((AuditEntry.actor_label,), form.actor.data or "")
    if actor is not None:  # `%` and `_` typed by the user match themselves
        conditions.append(actor)
    if form.date_from.data:
        conditions.append(AuditEntry.created_at >= _utc_start(form.date_from.data))
    if form.date_to.data and form.date_to.data < date.max:  # the last day has no next day
        end = _utc_start(form.date_to.data) + timedelta(days=1)
        conditions.append(AuditEntry.created_at < end)
    return tuple(conditions)


def object_page(object_type: str, object_id: str) -> str | None:
    """The admin page of an audited object, when there is one."""
    endpoint, argument = OBJECT_PAGES.get(object_type, (None, None))
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **({argument: object_id} if argument else {}))
    except (BuildError, ValueError):  # e.g. a non-numeric id for an int route
        return None


def _known_values(column) -> list[str]:
    return list(db.session.scalars(select(column).distinct()))


@bp.route("/")
@roles_required(ADMIN, SUPPORT)
def index():
    """The global audit log with filters and pagination."""
    form = HistoryFilterForm(request.args)
    form.set_choices(_known_values(AuditEntry.object_type), _known_values(AuditEntry.action))
    if not form.validate():
        return render_template("history/index.html", form=form, page=None), 400
    page = build_list_page(HISTORY_LIST, "history.index", request.args, current_user.role,
                           where=filter_conditions(form))
    return render_template("history/index.html", form=form, page=page, type_label=type_label)


@bp.route("/<object_type>/<object_id>")
@roles_required(ADMIN, SUPPORT)
def object_history(object_type: str, object_id: str):
    """Every recorded change of one object, newest first, field by field."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).all()
    if not entries and object_type not in OBJECT_TYPES:
        abort(404, description=f"There is no history of a {object_type!r}.")
    name = entries[0].object_repr if entries else f"{type_label(object_type)} {object_id}"
    deleted = bool(entries) and entries[0].action == "delete"
    return render_template("history/object.html", entries=entries, name=name, deleted=deleted,
                           object_type=object_type, object_id=object_id, type_label=type_label,
                           object_url=None if deleted else object_page(object_type, object_id))
