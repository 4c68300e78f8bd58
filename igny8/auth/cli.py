"""`flask users …`: create users and make sure an admin exists."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from igny8.auth.roles import ROLES
from igny8.auth.users import create_user, ensure_admin
from igny8.errors import ValidationFailed
from igny8.services.audit import CLI

users_cli = AppGroup("users", help="Manage back-office users.")


def read_password(from_stdin: bool) -> str:
    """The password from stdin's first line, or prompted twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def create_command(email: str, role: str, password_stdin: bool) -> None:
    """Create a user who signs in with EMAIL."""
    password = read_password(password_stdin)
    try:
        user = create_user(email, role, password, actor=CLI)
    except ValidationFailed as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("ensure-admin")
def ensure_admin_command() -> None:
    """Create admin@igny8.local with a generated password when there is no active admin."""
    try:
        created = ensure_admin()
    except ValidationFailed as error:
        raise click.ClickException(error.message) from None
    if created is None:
        click.echo("An active admin exists; nothing changed.")
        return
    user, password = created
    click.echo(f"Created admin {user.email} with password: {password}")
    click.echo("This password is shown only once: sign in and keep it somewhere safe.")
