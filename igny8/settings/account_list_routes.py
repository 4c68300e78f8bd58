"""The Account Integration Settings list (declared in account_list.py: search, sorts, filters,
pages) and the admin's bulk set/clear of one slot's override with its confirmation page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from igny8 import lifecycle
from igny8.admin.lists import build_list_page, clean_args
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.errors import ConflictError, ValidationFailed, page_status
from igny8.models import SLOTS
from igny8.services import account_bulk
from igny8.services.audit import Actor
from igny8.services.global_settings import active_models_by_slot
from igny8.services.numbers import parse_id
from igny8.services.projection_previews import bulk_projection
from igny8.settings.account_forms import AccountCreateForm
from igny8.settings.account_list import ACCOUNT_LIST
from igny8.settings.forms import BulkOverrideForm, bulk_action_choices, parse_bulk_action
from igny8.settings.routes import bp


@bp.get("/accounts")
@roles_required(ADMIN, SUPPORT)
def accounts():
    """Accounts with the slots each overrides; admins select some for a bulk change."""
    return render_accounts()


def render_accounts(status: int = 200, create_form: AccountCreateForm | None = None):
    """The accounts list page for the search, filters, sort and page in the query string
    (declared in account_list.py)."""
    page = build_list_page(ACCOUNT_LIST, "settings.accounts", request.args, current_user.role)
    bulk_form = None
    if current_user.is_admin:  # ids in the query string come back ticked (the bulk page's Cancel)
        page.ticked = frozenset(parse_id(value) for value in request.args.getlist("account_ids"))
        bulk_form = BulkOverrideForm(formdata=None)
        bulk_form.action.choices = bulk_action_choices(active_models_by_slot())
        create_form = create_form or AccountCreateForm(formdata=None)
    return render_template(
        "settings/accounts.html", title="Account Integration Settings", page=page,
        bulk_form=bulk_form, create_form=create_form if current_user.is_admin else None,
        list_args=list_args(),
        chosen={flt.key: next((choice.label for choice in choices if choice.selected), "")
                for flt, choices in page.facets},
    ), status


def selected_account_ids() -> list[int]:
    """The ticked accounts; a value that is not an id is refused with a 400 page."""
    ids = [parse_id(value) for value in request.form.getlist("account_ids")]
    if None in ids:
        abort(400, description="account_ids: every selected account must be an account id.")
    return sorted(set(ids))


def list_args() -> dict[str, str]:
    """The list's search, filters, sort and page from the query string, which the bulk pages
    carry so that Cancel and the result go back to the same list."""
    return clean_args(ACCOUNT_LIST, request.args)


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
        selected = account_bulk.load_accounts(account_ids)
        slot_name, model_id = parse_bulk_action(form.action.data)
        model = account_bulk.bulk_model(model_id)
        if form.confirmed.data != "yes":
            return render_bulk_confirm(form, selected, slot_name, model)
        changed = account_bulk.bulk_set_override(account_ids, slot_name, model_id,
                                                 Actor.for_user(current_user))
    except (ValidationFailed, ConflictError) as error:  # a conflict: the model changed meanwhile
        flash(f"Bulk change not applied: {error.message}", "danger")
        return render_accounts(page_status(error))
    target = model.label if model else "the global default"
    flash(*bulk_outcome(SLOTS[slot_name].label, target, changed, len(selected)))
    return redirect(url_for("settings.accounts", **list_args()))


def render_bulk_confirm(form: BulkOverrideForm, selected, slot_name: str, model):
    """The confirmation page: each account now and after, which ones already hold the value,
    the cost preview, and a Cancel back to the list with these accounts still ticked."""
    account_ids = [account.id for account in selected]
    preview = account_bulk.bulk_preview(selected, slot_name, model.id if model else None)
    cost = bulk_projection(account_ids, slot_name, model.id if model else None, lifecycle.today())
    return render_template(
        "settings/bulk_confirm.html", title="Confirm bulk change", form=form,
        preview=preview, changing=sum(row.changes for row in preview), slot=SLOTS[slot_name],
        model=model, cost=cost, list_args=list_args(),
        cancel_url=url_for("settings.accounts", **list_args(), account_ids=account_ids),
        cost_by_account={row.account_id: row for row in cost.accounts} if cost else {})


def bulk_outcome(slot_label: str, target: str, changed: int, selected: int) -> tuple[str, str]:
    """The flash (text, category) after a confirmed bulk change, in the preview's words."""
    accounts = f"account{'' if selected == 1 else 's'}"
    if not changed:  # e.g. the same confirmation posted twice
        return (f"{slot_label} is already {target} for the {selected} selected {accounts}: "
                f"nothing changed.", "info")
    unchanged = selected - changed
    already = f"; {unchanged} already used it" if unchanged else ""
    return (f"{slot_label} set to {target} for {changed} of {selected} selected "
            f"{accounts}{already}.", "success")
