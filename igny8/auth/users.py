"""User management rules: creating users and making sure an admin exists."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from igny8.auth.roles import ADMIN, ROLES
from igny8.extensions import db
from igny8.models.users import User
from igny8.services import audit
from igny8.services.errors import ValidationFailed

DEFAULT_ADMIN_EMAIL = "admin@igny8.local"
MIN_PASSWORD_LENGTH = 10
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
