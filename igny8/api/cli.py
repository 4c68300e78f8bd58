"""`flask api-keys create|list|revoke`: manage the keys of the JSON API."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from igny8.errors import ValidationFailed
from igny8.models.api_keys import SCOPES
from igny8.services import api_keys, audit

api_keys_cli = AppGroup("api-keys", help="Manage API keys of the JSON API.")


def _when(moment) -> str:
    """A timestamp for the table, or '-'."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


@api_keys_cli.command("create")
@click.argument("name")
@click.option("--scope", type=click.Choice(list(SCOPES)), default="read", show_default=True)
def create_command(name: str, scope: str) -> None:
    """Issue a key called NAME and print it once; only its hash is kept."""
    try:
        key, raw_key = api_keys.create_key(name, scope, actor=audit.CLI)
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(exc.fields.values()) or exc.message) from None
    click.echo(f"Created API key {key.name} ({key.scope}). Store it now; it is not shown again:")
    click.echo(raw_key)


@api_keys_cli.command("list")
def list_command() -> None:
    """Print every key: name, prefix, scope, created, last used, revoked."""
    keys = api_keys.list_keys()
    if not keys:
        click.echo("No API keys.")
        return
    click.echo(f"{'id':>4}  {'name':<24} {'prefix':<10} {'scope':<6} {'created':<17} "
               f"{'last used':<17} revoked")
    for key in keys:
        click.echo(f"{key.id:>4}  {key.name:<24} {key.prefix:<10} {key.scope:<6} "
                   f"{_when(key.created_at):<17} {_when(key.last_used_at):<17} "
                   f"{_when(key.revoked_at)}")


@api_keys_cli.command("revoke")
@click.argument("name_or_id")
def revoke_command(name_or_id: str) -> None:
    """Revoke the key with this name (or id); it stops working at once."""
    key = api_keys.find_key(name_or_id)
    if key is None:
        raise click.ClickException(f"No API key named {name_or_id}.")
    if not api_keys.revoke_key(key, actor=audit.CLI):
        click.echo(f"API key {key.name} was already revoked.")
        return
    click.echo(f"Revoked API key {key.name}.")
