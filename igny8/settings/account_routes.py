"""Account integration settings screens: list, one account's overrides, bulk set/clear."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from igny8.admin.lists import PageSlice, paginate, phrase_or_id_clause
from igny8 import lifecycle
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.errors import ConflictError, ValidationFailed, page_status
from igny8.models import SLOTS, Account
from igny8.services import account_settings as service
from igny8.services import accounts as account_service
from igny8.services.audit import Actor
from igny8.services.health import OVERRIDE_PROBLEMS, accounts_with_problem
from igny8.services.locking import version_of
from igny8.services.numbers import parse_id, parse_page
from igny8.services.projection_previews import bulk_projection
from igny8.services.resolution import is_model_id
from igny8.services.global_settings import (
    active_models_by_slot,
    global_models,
    load_global_settings,
)
from igny8.services.slot_choices import models_by_id
from igny8.settings.account_forms import AccountArchiveForm, AccountCreateForm, AccountRenameForm
from igny8.settings.conflict import is_stale, remember_loaded, slot_conflict
from igny8.settings.forms import (
    AccountSettingsForm,
    BulkOverrideForm,
    bulk_action_choices,
    parse_bulk_action,
)
from igny8.settings.routes import (
    apply_domain_errors,
    bp,
    describe_changes,
    flash_form_errors,
    history_url,
)

PER_PAGE = 25


@bp.get("/accounts")
@roles_required(ADMIN, SUPPORT)
def accounts():
    """Accounts with the slots each overrides; admins select some for a bulk change."""
    return render_accounts()


def accounts_query(search: str, problem: str = "", archived: str = "active") -> Select:
    """Accounts whose name holds `search` literally, or whose id it is (`12` or `#12`), by name;
    with `problem`, only those with an override of that problem (services/health.py); active
    ones unless `archived` is "archived" or "all"."""
    query = account_service.with_archived(
        select(Account).options(selectinload(Account.integration_settings)), archived)
    if problem:
        query = query.where(Account.id.in_(accounts_with_problem(problem)))
    matches = phrase_or_id_clause((Account.name,), Account.id, search)
    if matches is not None:
        query = query.where(matches)
    return query.order_by(Account.name, Account.id)


def accounts_page(search: str, problem: str = "", archived: str = "active") -> PageSlice:
    """The page of accounts the query string asks for, clamped to the last page."""
    return paginate(accounts_query(search, problem, archived),
                    parse_page(request.args.get("page")), PER_PAGE)


def list_filters() -> tuple[str, str, str]:
    """(search, problem, archived) from the query string, unknown values dropped."""
    problem = request.args.get("problem", "")
    archived = request.args.get("archived", "active")
    return (request.args.get("q", ""), problem if problem in OVERRIDE_PROBLEMS else "",
            archived if archived in account_service.ARCHIVED_FILTERS else "active")


def render_accounts(status: int = 200, create_form: AccountCreateForm | None = None):
    """The accounts list page for the search, filters and page in the query string."""
    search, problem, archived = list_filters()
    pagination = accounts_page(search, problem, archived)
    overrides = {
        account.id: service.account_overrides(account.integration_settings)
        for account in pagination.items
    }
    bulk_form = None
    if current_user.is_admin:
        bulk_form = BulkOverrideForm(formdata=None)
        bulk_form.action.choices = bulk_action_choices(active_models_by_slot())
        create_form = create_form or AccountCreateForm(formdata=None)
    return render_template(
        "settings/accounts.html", title="Account Integration Settings", pagination=pagination,
        search=search, overrides=overrides, slots=SLOTS, bulk_form=bulk_form,
        problem=problem, problems=OVERRIDE_PROBLEMS, archived=archived,
        page_args={key: value for key, value in (("q", search), ("problem", problem))
                   if value} | ({"archived": archived} if archived != "active" else {}),
        create_form=create_form if current_user.is_admin else None,
    ), status


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


def selected_account_ids() -> list[int]:
    """The ticked accounts; a value that is not an id is refused with a 400 page."""
    ids = [parse_id(value) for value in request.form.getlist("account_ids")]
    if None in ids:
        abort(400, description="account_ids: every selected account must be an account id.")
    return sorted(set(ids))


@bp.post("/accounts/bulk")
@roles_required(ADMIN)
def bulk_override():
    """First post: the confirmation page; confirmed post: set or clear for every account."""
    form = BulkOverrideForm()
    form.action.choices = bulk_action_choices(active_models_by_slot())
    account_ids = selected_account_ids()
    if not account_ids or not form.validate():
        problem = "select at least one account" if not account_ids else "choose a valid change"
        flash(f"Bulk change not applied: {problem}.", "danger")
        return render_accounts(400)
    try:
        selected = service.load_accounts(account_ids)
        slot_name, model_id = parse_bulk_action(form.action.data)
        model = service.bulk_model(model_id)
        if form.confirmed.data != "yes":
            preview = service.bulk_preview(selected, slot_name)
            cost = bulk_projection(account_ids, slot_name, model_id, lifecycle.today())
            return render_template(
                "settings/bulk_confirm.html", title="Confirm bulk change", form=form,
                preview=preview, slot=SLOTS[slot_name], model=model, cost=cost,
                cost_by_account={row.account_id: row for row in cost.accounts} if cost else {})
        changed = service.bulk_set_override(account_ids, slot_name, model_id,
                                            Actor.for_user(current_user))
    except (ValidationFailed, ConflictError) as error:  # a conflict: the model changed meanwhile
        flash(f"Bulk change not applied: {error.message}", "danger")
        return render_accounts(page_status(error))
    target = model.label if model else "the global default"
    flash(f"{SLOTS[slot_name].label} set to {target} for {changed} of {len(selected)} "
          f"selected accounts.", "success")
    return redirect(url_for("settings.accounts"))
