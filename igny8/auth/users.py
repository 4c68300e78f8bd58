"""User management rules: creating users and making sure an admin exists."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import Select, select

from igny8.auth.forms import MIN_PASSWORD_LENGTH
from igny8.auth.roles import ADMIN, ROLES
from igny8.errors import DomainError, ValidationFailed
from igny8.extensions import db
from igny8.models.users import User
from igny8.services import audit

DEFAULT_ADMIN_EMAIL = "admin@igny8.local"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def user_errors(email: str, role: str, password: str) -> dict[str, str]:
    """Field -> message for every rule the new user breaks."""
    errors = {}
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        errors["email"] = f"email {email!r} is not a valid address"
    elif db.session.scalar(select(User.id).where(User.email == email)) is not None:
        errors["email"] = f"email {email} is already used by another user"
    if role not in ROLES:
        errors["role"] = f"role must be one of {', '.join(ROLES)}, not {role!r}"
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"password must have at least {MIN_PASSWORD_LENGTH} characters"
    return errors


def create_user(email: str, role: str, password: str, actor: User | str | None = None) -> User:
    """Create an active user and its audit entry in one commit; errors name the fields."""
    email = email.strip().lower()
    errors = user_errors(email, role, password)
    if errors:
        raise ValidationFailed("User not created: " + "; ".join(errors.values()), errors)
    user = User(email=email, role=role, is_active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    changes = {"email": [None, user.email], "role": [None, role], "is_active": [None, True]}
    audit.record("create", "user", user.id, user.email, changes, actor=actor)
    db.session.commit()
    return user


def admin_exists() -> bool:
    """Whether at least one active admin can sign in."""
    query = select(User.id).where(User.role == ADMIN, User.is_active.is_(True)).limit(1)
    return db.session.scalar(query) is not None


def ensure_admin(actor: str = audit.CLI) -> tuple[User, str] | None:
    """Create admin@igny8.local with a generated password when no active admin exists.

    Returns (user, password) so the caller can show the password once, or None when an
    admin already exists.
    """
    if admin_exists():
        return None
    password = secrets.token_urlsafe(18)
    return create_user(DEFAULT_ADMIN_EMAIL, ADMIN, password, actor=actor), password


def users_query() -> Select:
    """Every user, admins first, then by email."""
    return select(User).order_by(User.role, User.email)


def list_users() -> list[User]:
    """Every user, admins first, then by email."""
    return list(db.session.scalars(users_query()))


def set_active(user: User, active: bool, actor: User) -> bool:
    """(De)activate `user` with an audit entry; refuses to lock out `actor` or the last admin."""
    if user.is_active == active:
        return False
    if not active and user.id == actor.id:
        raise DomainError("You cannot deactivate your own account.")
    if not active and user.is_admin and not _another_active_admin(user):
        raise DomainError(f"{user.email} is the last active admin; create another admin first.")
    user.is_active = active
    audit.record("activate" if active else "deactivate", "user", user.id, user.email,
                 {"is_active": [not active, active]}, actor=actor)
    db.session.commit()
    return True


def _another_active_admin(user: User) -> bool:
    query = select(User.id).where(User.role == ADMIN, User.is_active.is_(True), User.id != user.id)
    return db.session.scalar(query.limit(1)) is not None
