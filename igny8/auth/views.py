"""Sign-in, sign-out and changing your own password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from igny8.auth import lifetime, throttle
from igny8.auth.forms import ChangePasswordForm, LoginForm
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.auth.safety import safe_next
from igny8.extensions import db
from igny8.models.base import utcnow
from igny8.models.users import User
from igny8.services import users as user_service
from igny8.errors import ValidationFailed

bp = Blueprint("auth", __name__, url_prefix="/auth")

INVALID = "Invalid email or password."
DEACTIVATED = "Your user {email} was deactivated. Ask an admin to reactivate it."
LOCKED = (
    "Too many failed sign-in attempts for this email from your address."
    f" Try again in {int(throttle.WINDOW.total_seconds() // 60)} minutes."
)


def _dashboard() -> str:
    return url_for("admin.index")


def _authenticate(email: str, password: str) -> User | None:
    """The user with these credentials (active or not), or None."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        generate_password_hash(password)  # same cost as a check: no account probing by timing
        return None
    return user if user.check_password(password) else None


def _refuse(form: LoginForm, message: str, status: int, headers: dict | None = None):
    """The sign-in form again with `message` above it."""
    form.form_errors.append(message)
    return render_template("auth/login.html", form=form), status, headers or {}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign in, throttling repeated failures per email and address."""
    form = LoginForm(next=request.args.get("next", ""))
    target = safe_next(form.next.data, _dashboard())
    if current_user.is_authenticated:
        return redirect(target)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    ip = request.remote_addr or "unknown"
    if not throttle.reserve_attempt(form.email.data, ip):
        retry_after = {"Retry-After": str(int(throttle.WINDOW.total_seconds()))}
        return _refuse(form, LOCKED, 429, retry_after)
    user = _authenticate(form.email.data, form.password.data)
    if user is None:
        return _refuse(form, INVALID, 401)
    if not user.is_active:
        # Said only to someone who knows the password: it reveals nothing to a guesser.
        return _refuse(form, DEACTIVATED.format(email=user.email), 401)
    throttle.clear_failures(user.email, ip)
    user.last_login_at = utcnow()
    db.session.commit()
    session.clear()
    login_user(user)
    lifetime.start()
    flash(f"Signed in as {user.email}.", "success")
    return redirect(target)


@bp.route("/logout", methods=["POST"])
@roles_required(ADMIN, SUPPORT)
def logout():
    """Sign out (POST only, CSRF-checked) everywhere and return to the sign-in page."""
    user_service.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have been signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@roles_required(ADMIN, SUPPORT)
def change_password():
    """Change your own password; your other sessions end, this one stays signed in."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("auth/password.html", title="Change password", form=form), status
    user = current_user._get_current_object()
    try:
        user_service.change_own_password(user, form.current.data, form.password.data)
    except ValidationFailed as exc:
        for name, message in exc.fields.items():
            form[name].errors = [*form[name].errors, message]
        return render_template("auth/password.html", title="Change password", form=form), 422
    login_user(user)  # the cookie now carries the new session token
    flash("Your password was changed; your other sessions were signed out.", "success")
    return redirect(_dashboard())
