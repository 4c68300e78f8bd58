"""One account's integration settings screen: effective model per slot, the admin's overrides
(the accounts list and the bulk change: account_list_routes.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.errors import ConflictError, ValidationFailed, page_status
from igny8.services import account_settings as service
from igny8.services.audit import Actor
from igny8.services.locking import version_of
from igny8.services.global_settings import global_models, load_global_settings
from igny8.services.resolution import is_model_id
from igny8.services.slot_choices import models_by_id
from igny8.settings.account_forms import AccountArchiveForm, AccountRenameForm
from igny8.settings.conflict import is_stale, remember_loaded, slot_conflict
from igny8.settings.forms import AccountSettingsForm
from igny8.settings.routes import (
    apply_domain_errors,
    bp,
    describe_changes,
    flash_form_errors,
    history_url,
)


def account_blank_texts(global_row) -> dict[str, str]:
    """The first option of each slot: use the global default, naming it."""
    return {
        name: f"Use global default ({model.label if model else 'not set'})"
        for name, model in global_models(global_row).items()
    }


def stored_overrides(account) -> dict:
    """The model each slot of the account overrides to (None: follows the global default)."""
    overrides = service.account_overrides(account.integration_settings)
    models = models_by_id(overrides.values())
    return {name: models.get(raw) if is_model_id(raw) else None
            for name, raw in overrides.items()}


def account_form(account, global_row, formdata_from_request: bool) -> AccountSettingsForm:
    """The account's form, its current overrides as defaults and the slots' choices."""
    selected = stored_overrides(account)
    data = {**selected, "version": version_of(account.integration_settings)}
    form = AccountSettingsForm(data=data) if formdata_from_request else AccountSettingsForm(
        formdata=None, data=data)
    form.use_choices(selected, account_blank_texts(global_row))
    if not formdata_from_request:
        remember_loaded(form, selected)
    return form


def render_account_conflict(account_id: int, posted: AccountSettingsForm):
    """The 409 page of a stale save: their change next to mine, mine kept on the latest."""
    account = load_or_404(account_id)
    current = stored_overrides(account)
    data, conflict = slot_conflict(
        posted, current, version_of(account.integration_settings), f"Settings of {account.name}",
        "Global default", url_for("settings.account", account_id=account.id))
    form = AccountSettingsForm(formdata=data)
    form.use_choices(current, account_blank_texts(load_global_settings()))
    return render_account(account, form, 409, conflict)


def render_account(account, form: AccountSettingsForm | None = None, status: int = 200,
                   conflict=None, **manage_forms):
    """One account: effective model, source and price per slot, and the admin's forms (the
    overrides; rename and archive, `manage_forms` replacing those with a refused one)."""
    # Held for the whole render: the resolutions below find it in the session, not the database.
    global_row = load_global_settings()
    form = form or account_form(account, global_row, formdata_from_request=False)
    form.use_cached_options()
    page = render_template(
        "settings/account.html", title=f"Integration settings: {account.name}", account=account,
        rows=service.account_slots(account), form=form, can_edit=current_user.is_admin,
        history_url=history_url("account_settings", account.id), conflict=conflict,
        account_history_url=history_url("account", account.id),
        **(account_forms(account, **manage_forms) if current_user.is_admin else {}),
    )
    return page, status


def account_forms(account, rename_form=None, archive_form=None) -> dict:
    """The rename and archive forms of the account page, loaded with its name and version."""
    archive_form = archive_form or AccountArchiveForm(
        formdata=None, data={"archived": "0" if account.is_archived else "1",
                             "version": account.version})
    archive_form.submit.label.text = "Unarchive" if account.is_archived else "Archive"
    return {"rename_form": rename_form or AccountRenameForm(
                formdata=None, data={"name": account.name, "version": account.version}),
            "archive_form": archive_form}


def load_or_404(account_id: int):
    """The account with its settings, or a 404 page."""
    account = service.load_account(account_id)
    if account is None:
        abort(404, description=f"There is no account with id {account_id}.")
    return account


@bp.get("/accounts/<int:account_id>")
@roles_required(ADMIN, SUPPORT)
def account(account_id: int):
    """Show one account's integration settings (read-only for support)."""
    return render_account(load_or_404(account_id))


@bp.post("/accounts/<int:account_id>")
@roles_required(ADMIN)
def save_account(account_id: int):
    """Store the admin's overrides; the first option clears a slot's override."""
    account = load_or_404(account_id)
    form = account_form(account, load_global_settings(), formdata_from_request=True)
    if is_stale(form, version_of(account.integration_settings)):
        return render_account_conflict(account_id, form)
    if not form.validate():
        flash_form_errors(form, f"Settings of {account.name}")
        return render_account(account, form, 400)
    try:
        changes = service.update_account_settings(
            account.id, form.selected_ids(), form.version.data, Actor.for_user(current_user))
    except ConflictError:
        return render_account_conflict(account_id, form)
    except ValidationFailed as error:
        apply_domain_errors(form, error)
        return render_account(account, form, page_status(error))
    if changes:
        flash(f"Settings of {account.name} saved. {describe_changes(changes)}", "success")
    else:
        flash("Nothing changed.", "info")
    return redirect(url_for("settings.account", account_id=account.id))
