"""The users list declared as data: columns, sorts, the role and state filters, search."""
from __future__ import annotations

from typing import Any

from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import case

from igny8.admin.lists import Column, Filter, ListOptions
from igny8.models.users import ROLES, User

U = User
ACTIVE_FIRST = case((U.is_active.is_(True), 0), else_=1)
YOU = Markup('<span class="text-muted">(you)</span>')


def you(row: User, extra: dict[str, Any]) -> Markup:
    """"(you)" after the signed-in user's own email."""
    return YOU if row.id == current_user.id else Markup("")


def state(row: User, extra: dict[str, Any]) -> Markup:
    """Active or inactive, as a badge."""
    if row.is_active:
        return Markup('<span class="badge bg-success">active</span>')
    return Markup('<span class="badge bg-secondary">inactive</span>')


def last_sign_in(row: User, extra: dict[str, Any]) -> str:
    """When the user last signed in (UTC), or never."""
    return row.last_login_at.strftime("%Y-%m-%d %H:%M") + " UTC" if row.last_login_at else "never"


USER_LIST = ListOptions(
    model=User,
    columns=(
        Column("email", "Email", lambda row, _: row.email, U.email, after=you, css="text-break"),
        Column("role", "Role", lambda row, _: row.role, U.role),
        Column("state", "State", state, ACTIVE_FIRST, title="Active users first"),
        Column("added", "Added", lambda row, _: row.created_at.strftime("%Y-%m-%d"),
               U.created_at, css="d-none d-xl-table-cell"),
        Column("last_sign_in", "Last sign-in", last_sign_in, U.last_login_at),
    ),
    filters=(
        Filter("role", "Role", U.role, {role: role for role in ROLES}),
        Filter("active", "State", U.is_active, {True: "Active", False: "Inactive"}),
    ),
    search_fields=(U.email,),
    search_help="Search emails",
    default_sort="role",  # admins first, then by email
    then_by=(U.email,),
)
