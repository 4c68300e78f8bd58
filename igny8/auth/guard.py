"""Login wiring: the user loader (id + session token), session lifetime, and the app-wide guard."""
from __future__ import annotations

import secrets

from flask import flash, redirect, request, session
from flask_login import current_user, logout_user
from flask_login.utils import login_url

from igny8.auth import lifetime
from igny8.extensions import db, login_manager
from igny8.models.users import User

PUBLIC_ENDPOINTS = frozenset({"auth.login", "healthz", "static", "bootstrap.static"})

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to open that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The active user named by "<id>:<token>" whose current session token matches.

    Sign-out, deactivation, password and role changes give the user a new token, so a cookie
    made before them (even a copied one) no longer signs anyone in.
    """
    raw_id, _, token = (session_id or "").partition(":")
    try:
        user = db.session.get(User, int(raw_id))
    except (TypeError, ValueError):
        return None
    if user is None or not user.is_active or not token:
        return None
    return user if secrets.compare_digest(token, user.session_token) else None


def is_public_request() -> bool:
    """Requests that need no session: login, health, static files and the key-authenticated API."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return True
    return request.blueprint == "api" or request.path.startswith("/api/")


def end_expired_session():
    """Sign out a session past its idle or absolute lifetime; a page request goes to sign-in."""
    if "_user_id" not in session:
        return None
    message = lifetime.expiry_message()
    if message is None:
        return None
    logout_user()
    session.clear()
    if is_public_request():
        return None
    flash(message, "info")
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def require_login():
    """before_request: end expired sessions, send anonymous users to the login page."""
    expired = end_expired_session()
    if expired is not None:
        return expired
    if is_public_request() or current_user.is_authenticated:
        return None
    return login_manager.unauthorized()
