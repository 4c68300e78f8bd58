"""Back-office users: create, (de)activate, change role and password, recover an admin.

Every change that can take an admin away locks the active admin rows first (see
`lock_admins`), so "at least one active admin" holds when two admins act at once.
Changes that alter what a user may do rotate the user's session token: old cookies stop working.
Every write ends in the one commit path (services/unit_of_work.py) with its history entry.
"""
from __future__ import annotations

import re
import secrets
from typing import NamedTuple

from sqlalchemy import Select, and_, or_, select

from igny8.extensions import db
from igny8.models.users import ADMIN, ROLES, User
from igny8.services import audit
from igny8.errors import ConflictError, DomainError, ValidationFailed
from igny8.services.passwords import password_problem
from igny8.services.unit_of_work import Entry, commit, refuse

DEFAULT_ADMIN_EMAIL = "admin@igny8.local"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_CHANGED = {"password": ["(hidden)", "(changed)"]}  # the history never shows a password


def user_errors(email: str, role: str, password: str) -> dict[str, str]:
    """Field -> message for every rule the new user breaks."""
    errors = {}
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        errors["email"] = f"email {email!r} is not a valid address"
    elif db.session.scalar(select(User.id).where(User.email == email)) is not None:
        errors["email"] = f"email {email} is already used by another user"
    if role not in ROLES:
        errors["role"] = f"role must be one of {', '.join(ROLES)}, not {role!r}"
    problem = password_problem(password, email)
    if problem:
        errors["password"] = problem
    return errors


def create_user(email: str, role: str, password: str,
                actor: audit.Actor | User | str | None = None) -> User:
    """Create an active user and its audit entry in one commit; errors name the fields."""
    email = email.strip().lower()
    errors = user_errors(email, role, password)
    if errors:
        raise ValidationFailed("User not created: " + "; ".join(errors.values()), errors)
    user = User(email=email, role=role, is_active=True)
    user.set_password(password)
    db.session.add(user)
    changes = {"email": [None, user.email], "role": [None, role], "is_active": [None, True]}
    commit(audit.as_actor(actor), f"The user {email}",
           lambda: [Entry("create", "user", user.id, user.email, changes)],
           on_integrity=ValidationFailed(f"User not created: email {email} is already used by"
                                         " another user", {"email": "already used"}))
    return user


def get_user(user_id: int) -> User | None:
    """The user with this id, or None."""
    return db.session.get(User, user_id)


def find_user(email: str) -> User:
    """The user signing in with `email`; ValidationFailed naming the email when there is none."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise ValidationFailed(f"No user has the email {email}.", {"email": "no such user"})
    return user


def users_query() -> Select:
    """Every user, admins first, then by email."""
    return select(User).order_by(User.role, User.email)


def list_users() -> list[User]:
    """Every user, admins first, then by email."""
    return list(db.session.scalars(users_query()))


def lock_admins(*user_ids: int) -> dict[int, User]:
    """Lock the active admins and `user_ids` (in id order) for this transaction; id -> fresh row.

    PostgreSQL: SELECT ... FOR UPDATE, re-read after any wait, so a concurrent change that
    committed first is seen. SQLite: BEGIN IMMEDIATE takes the database's write lock.
    """
    if db.engine.dialect.name == "sqlite":
        _begin_immediate()
    active_admin = and_(User.role == ADMIN, User.is_active.is_(True))
    query = (select(User).where(or_(active_admin, User.id.in_(user_ids))).order_by(User.id)
             .with_for_update().execution_options(populate_existing=True))
    return {user.id: user for user in db.session.scalars(query)}


def _begin_immediate() -> None:
    """Start this session's SQLite transaction with the write lock, unless one is open."""
    connection = db.session.connection()
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _active_admin_ids(locked: dict[int, User]) -> set[int]:
    """Ids of the active admins among the locked rows."""
    return {uid for uid, user in locked.items() if user.is_active and user.role == ADMIN}


def _check_actor(locked: dict[int, User], actor: User) -> None:
    """Refuse when the acting admin lost the right to act while waiting for the lock."""
    if actor.id not in _active_admin_ids(locked):
        refuse(ConflictError("Your user is no longer an active admin; nothing was changed."))


def _check_admin_remains(locked: dict[int, User], user: User) -> None:
    """Refuse to take away the last active admin."""
    if user.is_admin and user.is_active and _active_admin_ids(locked) == {user.id}:
        refuse(DomainError(f"{user.email} is the last active admin; create another admin first."))


def set_active(user: User, active: bool, actor: User) -> bool:
    """(De)activate `user` with an audit entry; refuses to lock out `actor` or the last admin.

    Returns False (nothing written) when the user already is in that state.
    """
    if not active and user.id == actor.id:
        raise DomainError("You cannot deactivate your own account.")
    locked = lock_admins(user.id, actor.id)
    user = locked[user.id]
    if actor.is_admin:
        _check_actor(locked, actor)
    if user.is_active == active:
        db.session.rollback()  # nothing to write: end the transaction, release the locks
        return False
    if not active:
        _check_admin_remains(locked, user)
    user.is_active = active
    user.rotate_session_token()
    commit(audit.as_actor(actor), f"The user {user.email}",
           [Entry("activate" if active else "deactivate", "user", user.id, user.email,
                  {"is_active": [not active, active]})])
    return True


def set_role(user: User, role: str, actor: audit.Actor | User) -> bool:
    """Give `user` another role (audited; their sessions end); keeps one active admin.

    Returns False when the user already has `role`. `actor` is an admin or a label ("cli").
    """
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}, not {role!r}",
                               {"role": "unknown role"})
    if isinstance(actor, User) and actor.id == user.id:
        raise DomainError("You cannot change your own role; ask another admin.")
    locked = lock_admins(user.id, *([actor.id] if isinstance(actor, User) else []))
    user = locked[user.id]
    if isinstance(actor, User):
        _check_actor(locked, actor)
    if user.role == role:
        db.session.rollback()  # nothing to write: end the transaction, release the locks
        return False
    _check_admin_remains(locked, user)
    before, user.role = user.role, role
    user.rotate_session_token()
    commit(audit.as_actor(actor), f"The user {user.email}",
           [Entry("change_role", "user", user.id, user.email, {"role": [before, role]})])
    return True


def set_password(user: User, password: str, actor: audit.Actor | User,
                 action: str = "reset_password") -> None:
    """Store a new password for `user` if the policy allows it; their other sessions end.

    The audit entry says a password changed, never what it is.
    """
    problem = password_problem(password, user.email)
    if problem:
        raise ValidationFailed(f"Password not changed: {problem}", {"password": problem})
    user.set_password(password)
    user.rotate_session_token()
    commit(audit.as_actor(actor), f"The user {user.email}",
           [Entry(action, "user", user.id, user.email, PASSWORD_CHANGED)])


def change_own_password(user: User, current: str, new: str) -> None:
    """The signed-in user replaces their password after proving they know the current one."""
    if not user.check_password(current):
        raise ValidationFailed("Password not changed: the current password is wrong.",
                               {"current": "the current password is wrong"})
    if current == new:
        raise ValidationFailed("Password not changed: the new password is the current one.",
                               {"password": "choose a password different from the current one"})
    set_password(user, new, actor=user, action="change_password")


class AdminRecovery(NamedTuple):
    """What `ensure_admin` did: the admin, their one-time password, whether it was created."""

    user: User
    password: str
    created: bool


def admin_exists() -> bool:
    """Whether at least one active admin can sign in."""
    query = select(User.id).where(User.role == ADMIN, User.is_active.is_(True)).limit(1)
    return db.session.scalar(query) is not None


def ensure_admin(actor: audit.Actor = audit.CLI) -> AdminRecovery | None:
    """Give the database an active admin when it has none: admin@igny8.local, new password.

    An existing admin@igny8.local is reactivated (and made admin) with a new password; else it
    is created. Returns (user, password) so the caller shows the password once, or None when
    an active admin exists (nothing changes).
    """
    locked = lock_admins()
    if _active_admin_ids(locked):
        db.session.rollback()  # nothing to write: end the transaction, release the locks
        return None
    password = secrets.token_urlsafe(18)
    user = db.session.scalar(select(User).where(User.email == DEFAULT_ADMIN_EMAIL))
    if user is None:
        return AdminRecovery(create_user(DEFAULT_ADMIN_EMAIL, ADMIN, password, actor=actor),
                             password, created=True)
    changes = audit.diff({"role": user.role, "is_active": user.is_active},
                         {"role": ADMIN, "is_active": True}) | PASSWORD_CHANGED
    user.role, user.is_active = ADMIN, True
    user.set_password(password)
    user.rotate_session_token()
    commit(actor, f"The user {user.email}",
           [Entry("recover_admin", "user", user.id, user.email, changes)])
    return AdminRecovery(user, password, created=False)


def end_sessions(user: User) -> None:
    """Sign `user` out everywhere: a new session token refuses every cookie made before."""
    user.rotate_session_token()
    commit(audit.SYSTEM, f"The user {user.email}")  # a sign-out: not history
