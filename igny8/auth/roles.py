"""Roles and the `roles_required` guard every admin view carries."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from igny8.extensions import login_manager
from igny8.models.users import ADMIN, ROLES, SUPPORT

__all__ = ["ADMIN", "ROLES", "ROLE_LABELS", "SUPPORT", "roles_required", "user_has_role"]
ROLE_LABELS = {ADMIN: "Admin", SUPPORT: "Support"}


def roles_required(*roles: str) -> Callable:
    """Let only signed-in users with one of `roles` through; others get login or 403."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"roles_required needs roles from {ROLES}, got {roles}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(roles)
        return wrapped

    return decorator


def user_has_role(user: Any, roles: tuple[str, ...]) -> bool:
    """Whether `user` is signed in with one of `roles`."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in roles
