"""`flask users …`: create users, set a password or role, and recover an admin."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from igny8.auth.roles import ROLES
from igny8.services import users as user_service
from igny8.services.audit import CLI
from igny8.errors import DomainError

users_cli = AppGroup("users", help="Manage back-office users.")


def read_password(from_stdin: bool) -> str:
    """The password from stdin's first line, or prompted twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def refuse(error: DomainError) -> click.ClickException:
    """The service's message as the command's error (exit status 1)."""
    return click.ClickException(error.message)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def create_command(email: str, role: str, password_stdin: bool) -> None:
    """Create a user who signs in with EMAIL."""
    password = read_password(password_stdin)
    try:
        user = user_service.create_user(email, role, password, actor=CLI)
    except DomainError as error:
        raise refuse(error) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Give EMAIL a new password (the policy applies); their sessions end."""
    try:
        user = user_service.find_user(email)
        user_service.set_password(user, read_password(password_stdin), actor=CLI)
    except DomainError as error:
        raise refuse(error) from None
    click.echo(f"New password set for {user.email}; their sessions were signed out.")


@users_cli.command("set-role")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The new role.")
def set_role_command(email: str, role: str) -> None:
    """Give EMAIL another role; the last active admin keeps theirs."""
    try:
        user = user_service.find_user(email)
        changed = user_service.set_role(user, role, actor=CLI)
    except DomainError as error:
        raise refuse(error) from None
    if changed:
        click.echo(f"{user.email} is now {role}; their sessions were signed out.")
    else:
        click.echo(f"{user.email} already is {role}; nothing changed.")


@users_cli.command("ensure-admin")
def ensure_admin_command() -> None:
    """Make sure an active admin exists: create or reactivate admin@igny8.local."""
    try:
        recovered = user_service.ensure_admin()
    except DomainError as error:
        raise refuse(error) from None
    if recovered is None:
        click.echo("An active admin exists; nothing changed.")
        return
    verb = "Created" if recovered.created else "Reactivated"
    click.echo(f"{verb} admin {recovered.user.email} with password: {recovered.password}")
    click.echo("This password is shown only once: sign in and keep it somewhere safe.")
