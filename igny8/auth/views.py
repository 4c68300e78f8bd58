"""Sign-in and sign-out views."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from igny8.auth import throttle
from igny8.auth.forms import LoginForm
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.auth.safety import safe_next
from igny8.extensions import db
from igny8.models.base import utcnow
from igny8.models.users import User

bp = Blueprint("auth", __name__, url_prefix="/auth")

INVALID = "Invalid email or password."
LOCKED = (
    "Too many failed sign-in attempts for this email from your address."
    f" Try again in {int(throttle.WINDOW.total_seconds() // 60)} minutes."
)


def _dashboard() -> str:
    return url_for("admin.index")


def _authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        generate_password_hash(password)  # same cost as a check: no account probing by timing
        return None
    return user if user.check_password(password) and user.is_active else None


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
    if throttle.is_locked(form.email.data, ip):
        form.form_errors.append(LOCKED)
        retry_after = {"Retry-After": str(int(throttle.WINDOW.total_seconds()))}
        return render_template("auth/login.html", form=form), 429, retry_after
    user = _authenticate(form.email.data, form.password.data)
    if user is None:
        throttle.record_failure(form.email.data, ip)
        form.form_errors.append(INVALID)
        return render_template("auth/login.html", form=form), 401
    throttle.clear_failures(user.email, ip)
    user.last_login_at = utcnow()
    db.session.commit()
    session.clear()
    login_user(user)
    flash(f"Signed in as {user.email}.", "success")
    return redirect(target)


@bp.route("/logout", methods=["POST"])
@roles_required(ADMIN, SUPPORT)
def logout():
    """Sign out (POST only, CSRF-checked) and return to the sign-in page."""
    logout_user()
    session.clear()
    flash("You have been signed out.", "info")
    return redirect(url_for("auth.login"))
