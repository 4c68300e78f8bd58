"""Login wiring: the user loader and the app-wide guard that requires a signed-in user."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from igny8.extensions import db, login_manager
from igny8.models.users import User

PUBLIC_ENDPOINTS = frozenset({"auth.login", "healthz", "static", "bootstrap.static"})

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to open that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The active user with this id; deactivated users are signed out on their next request."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.is_active else None


def is_public_request() -> bool:
    """Requests that need no session: login, health, static files and the key-authenticated API."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return True
    return request.blueprint == "api" or request.path.startswith("/api/")


def require_login():
    """before_request: send anonymous users to the login page for every non-public URL."""
    if is_public_request() or current_user.is_authenticated:
        return None
    return login_manager.unauthorized()
