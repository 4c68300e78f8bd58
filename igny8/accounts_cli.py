"""`flask accounts create|list|rename|archive|unarchive`, thin over services/accounts.py."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from igny8.errors import DomainError
from igny8.extensions import db
from igny8.models.accounts import Account
from igny8.services import accounts as service
from igny8.services.audit import CLI

accounts_cli = AppGroup("accounts", help="Manage customer accounts.")


def refuse(error: DomainError) -> click.ClickException:
    """The service's message as the command's error (exit status 1)."""
    return click.ClickException(error.message)


def state(account: Account) -> str:
    """active, or archived with its date."""
    if not account.is_archived:
        return "active"
    return f"archived {account.archived_at.date().isoformat()}"


@accounts_cli.command("create")
@click.argument("name")
def create_command(name: str) -> None:
    """Create an active account called NAME (unique whatever its case)."""
    try:
        account = service.create_account(name, actor=CLI)
    except DomainError as error:
        raise refuse(error) from None
    click.echo(f"Created account {account.name} (id {account.id}).")


@accounts_cli.command("list")
@click.option("--archived", "which", flag_value="archived", help="Only archived accounts.")
@click.option("--all", "which", flag_value="all", help="Active and archived accounts.")
def list_command(which: str | None) -> None:
    """Print the accounts (active ones unless --archived or --all) by name."""
    query = service.with_archived(select(Account), which or "active")
    accounts = db.session.scalars(query.order_by(Account.name, Account.id)).all()
    if not accounts:
        click.echo("No accounts match.")
        return
    width = max(len(str(account.id)) for account in accounts)
    for account in accounts:
        click.echo(f"{str(account.id).rjust(width)}  {account.name}  ({state(account)})")


def change(account_id: int, **values) -> None:
    """Apply one change through the service and say what happened."""
    try:
        account, changes = service.update_account(account_id, actor=CLI, **values)
    except DomainError as error:
        raise refuse(error) from None
    if not changes:
        click.echo(f"Nothing changed: account {account.name} (id {account.id}) "
                   f"is already {state(account)}" + (" and so named." if "name" in values else "."))
        return
    click.echo(f"Account {account.id} is now {account.name} ({state(account)}).")


@accounts_cli.command("rename")
@click.argument("account_id", type=int)
@click.argument("name")
def rename_command(account_id: int, name: str) -> None:
    """Give account ACCOUNT_ID the name NAME."""
    change(account_id, name=name)


@accounts_cli.command("archive")
@click.argument("account_id", type=int)
def archive_command(account_id: int) -> None:
    """Archive account ACCOUNT_ID: it leaves the pickers and takes no new usage."""
    change(account_id, archived=True)


@accounts_cli.command("unarchive")
@click.argument("account_id", type=int)
def unarchive_command(account_id: int) -> None:
    """Bring archived account ACCOUNT_ID back."""
    change(account_id, archived=False)
