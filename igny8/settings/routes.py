"""Global integration settings screen: support reads, admins change."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.routing import BuildError

from igny8 import lifecycle
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.errors import ConflictError, ValidationFailed, page_status
from igny8.models import SLOTS, AIModelConfig
from igny8.services.audit import Actor
from igny8.services.global_settings import (
    GLOBAL_REPR,
    global_models,
    load_global_settings,
    slot_problem,
    update_global_settings,
)
from igny8.services.locking import version_of
from igny8.services.projection_previews import changed_slots, slot_previews
from igny8.settings.conflict import is_stale, remember_loaded, slot_conflict
from igny8.settings.forms import GlobalSettingsForm, SlotForm
from igny8.settings.options import GLOBAL_CONTENT, cached_slot_usage

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def describe_changes(changes: dict[str, list]) -> str:
    """`OpenAI text model: A → B; …` for the success message."""
    return "; ".join(
        f"{SLOTS[name].label}: {before or 'not set'} → {after or 'not set'}"
        for name, (before, after) in changes.items()
    )


def flash_form_errors(form: SlotForm, what: str) -> None:
    """One message naming every field that was refused."""
    problems = [
        f"{form[name].label.text}: {'; '.join(errors)}" for name, errors in form.errors.items()
    ]
    flash(f"{what} not saved. " + " ".join(f"{p}." for p in problems), "danger")


def apply_domain_errors(form: SlotForm, error: ValidationFailed) -> None:
    """Show a service's field errors next to the matching fields."""
    for name, message in error.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
    flash(error.message, "danger")


def history_url(object_type: str, object_id: object) -> str | None:
    """Link to the object's history page, when the history screens are installed."""
    try:
        return url_for("history.object_history", object_type=object_type, object_id=object_id)
    except BuildError:
        return None


def global_blank_texts() -> dict[str, str]:
    """The empty choice of each global slot names the built-in default it falls back to."""
    defaults = current_app.config.get("IGNY8_DEFAULT_MODELS", {})
    return {
        name: f"Not set — use the built-in default ({defaults.get(name, 'none')})"
        for name in SLOTS
    }


def current_warnings(current: dict[str, AIModelConfig | None]) -> dict[str, str]:
    """Per slot, why its stored model should be replaced."""
    found = {name: slot_problem(name, model) for name, model in current.items()}
    return {
        name: f"{problem[0].upper()}{problem[1:]} — choose a replacement"
        for name, problem in found.items()
        if problem
    }


def render_global(form: GlobalSettingsForm | None = None, status: int = 200, conflict=None,
                  previews=None):
    """The page: current value, warnings and follower counts per slot, and the admin's form.
    A plain GET's content comes from the page cache (it holds no CSRF token)."""
    can_edit = current_user.is_admin
    if form is None and conflict is None and previews is None:
        content = GLOBAL_CONTENT.get_or_build(
            (can_edit, lifecycle.today()), lambda: str(global_content(None, can_edit)))
    else:
        content = global_content(form, can_edit, conflict, previews)
    page = render_template("settings/global.html", title="Global Integration Settings",
                           content=Markup(content), can_edit=can_edit)
    return page, status


def global_content(form: GlobalSettingsForm | None, can_edit: bool, conflict=None,
                   previews=None) -> str:
    """The content block: the slots table and the form (the stored values when `form` is None)."""
    row = load_global_settings()
    current = global_models(row)
    if form is None:
        form = GlobalSettingsForm(formdata=None, data={**current, "version": version_of(row)})
        form.use_choices(current, global_blank_texts())
        remember_loaded(form, current)
    form.use_cached_options()
    return render_template(
        "settings/_global_content.html", form=form, slots=SLOTS, current=current,
        warnings=current_warnings(current), usage=cached_slot_usage(), can_edit=can_edit,
        history_url=history_url("global_settings", 1), conflict=conflict, previews=previews)


def cost_previews(form: GlobalSettingsForm, current: dict[str, AIModelConfig | None]):
    """The last 30 days of each slot the form changes, at the model chosen (nothing saved)."""
    current_ids = {name: model.id if model else None for name, model in current.items()}
    return slot_previews(changed_slots(current_ids, form.selected_ids()), lifecycle.today())


def render_global_conflict(posted: GlobalSettingsForm):
    """The 409 page of a stale save: their change next to mine, mine kept on the latest."""
    row = load_global_settings()
    current = global_models(row)
    data, conflict = slot_conflict(posted, current, version_of(row), GLOBAL_REPR, "Not set",
                                   url_for("settings.global_settings"))
    form = GlobalSettingsForm(formdata=data)
    form.use_choices(current, global_blank_texts())
    return render_global(form, 409, conflict)


@bp.get("/global")
@roles_required(ADMIN, SUPPORT)
def global_settings():
    """Show the global model per slot (read-only for support)."""
    return render_global()


@bp.post("/global")
@roles_required(ADMIN)
def save_global_settings():
    """Store the admin's choices; invalid input or a stale version changes nothing."""
    row = load_global_settings()
    current = global_models(row)
    form = GlobalSettingsForm(data={**current, "version": version_of(row)})
    form.use_choices(current, global_blank_texts())
    if is_stale(form, version_of(row)):  # before the choices: theirs may have changed them
        return render_global_conflict(form)
    if not form.validate():
        flash_form_errors(form, "Global settings")
        return render_global(form, 400)
    if form.preview.data:  # the admin's choices stay in the form, to save next
        return render_global(form, previews=cost_previews(form, current))
    warnings = current_warnings(form.selections())  # read before the commit expires the rows
    try:
        changes = update_global_settings(form.selected_ids(), form.version.data,
                                         Actor.for_user(current_user))
    except ConflictError:
        return render_global_conflict(form)
    except ValidationFailed as error:
        apply_domain_errors(form, error)
        return render_global(form, page_status(error))
    if changes:
        flash(f"Global settings saved. {describe_changes(changes)}", "success")
    else:
        flash("Nothing changed.", "info")
    for message in warnings.values():
        flash(message, "warning")
    return redirect(url_for("settings.global_settings"))
