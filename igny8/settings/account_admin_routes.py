"""Account management screens (admins): add an account, rename, archive and unarchive it.

The list and the account page (settings/account_list_routes.py, account_routes.py) show the
forms to admins only; the routes here refuse support server-side (roles_required) whatever the
page showed.
"""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from igny8.auth.roles import ADMIN, roles_required
from igny8.errors import DomainError, page_status
from igny8.services import accounts as service
from igny8.services.audit import Actor
from igny8.settings.account_forms import AccountArchiveForm, AccountCreateForm, AccountRenameForm
from igny8.settings.account_list_routes import render_accounts
from igny8.settings.account_routes import load_or_404, render_account
from igny8.settings.routes import bp


def form_problems(form) -> str:
    """Every refused field of a form in one sentence."""
    return " ".join(f"{form[name].label.text}: {'; '.join(errors)}."
                    for name, errors in form.errors.items())


@bp.post("/accounts/new")
@roles_required(ADMIN)
def create_account():
    """Add an account from the list's form; a refusal shows the list again with the reason."""
    form = AccountCreateForm()
    if not form.validate():
        flash(f"Account not added. {form_problems(form)}", "danger")
        return render_accounts(400, create_form=form)
    try:
        account = service.create_account(form.name.data, Actor.for_user(current_user))
    except DomainError as error:
        form.name.errors = [*form.name.errors, error.fields.get("name", error.message)]
        flash(f"Account not added. {error.message}", "danger")
        return render_accounts(page_status(error), create_form=form)
    flash(f"Account {account.name} added.", "success")
    return redirect(url_for("settings.account", account_id=account.id))


def apply_change(account_id: int, form, values_of):
    """Run the change `values_of(form)` names through the service; back to the account page
    (shown again with the reason on a refusal)."""
    account = load_or_404(account_id)
    if not form.validate():
        flash(f"{account.name} not changed. {form_problems(form)}", "danger")
        return render_account(account, status=400, **{form_key(form): form})
    try:
        account, changes = service.update_account(
            account_id, expected_version=form.version.data, actor=Actor.for_user(current_user),
            **values_of(form))
    except DomainError as error:
        flash(f"{account.name} not changed. {error.message}", "danger")
        return render_account(load_or_404(account_id), status=page_status(error))
    flash(describe(account, changes), "success" if changes else "info")
    return redirect(url_for("settings.account", account_id=account.id))


def form_key(form) -> str:
    """The keyword render_account takes the form under."""
    return "rename_form" if isinstance(form, AccountRenameForm) else "archive_form"


def describe(account, changes: dict[str, list]) -> str:
    """The success message of a change."""
    if not changes:
        return "Nothing changed."
    words = []
    if "name" in changes:
        words.append(f"renamed from {changes['name'][0]} to {changes['name'][1]}")
    if "archived" in changes:
        words.append("archived" if changes["archived"][1] else "brought back from the archive")
    return f"Account {account.name} {' and '.join(words)}."


@bp.post("/accounts/<int:account_id>/name")
@roles_required(ADMIN)
def rename_account(account_id: int):
    """Rename the account (the version the admin loaded guards against a change meanwhile)."""
    form = AccountRenameForm()
    return apply_change(account_id, form, lambda f: {"name": f.name.data})


@bp.post("/accounts/<int:account_id>/archive")
@roles_required(ADMIN)
def archive_account(account_id: int):
    """Archive (archived=1) or unarchive (archived=0) the account."""
    form = AccountArchiveForm()
    return apply_change(account_id, form, lambda f: {"archived": f.archived.data == "1"})
