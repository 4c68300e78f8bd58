"""Admin screen /admin/users/: list and add users, (de)activate, change a role, reset a password."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from igny8.admin.lists import build_list_page
from igny8.admin.user_list import USER_LIST
from igny8.admin.sidebar import AdminSection, register_section
from igny8.auth.forms import NewUserForm, ResetPasswordForm, RoleForm, ToggleForm
from igny8.auth.roles import ADMIN, roles_required
from igny8.models.users import User
from igny8.services import users as user_service
from igny8.errors import DomainError, ValidationFailed

bp = Blueprint("users", __name__, url_prefix="/admin/users")
register_section(AdminSection("System", "Users", "users.index", 40, roles=(ADMIN,)))


def render_index(form: NewUserForm, status: int = 200, error: str | None = None):
    """The users table with the add form; `error` explains a refused action."""
    page = build_list_page(USER_LIST, "users.index", request.args, current_user.role)
    return render_template("auth/users.html", title="Users", form=form, page=page,
                           error=error), status


def render_user(user: User, role_form: RoleForm | None = None,
                password_form: ResetPasswordForm | None = None, status: int = 200,
                error: str | None = None):
    """One user's page: role, password reset, activation and history link."""
    role_form = role_form or RoleForm(formdata=None, role=user.role)
    return render_template("auth/user.html", title=f"User {user.email}", user=user,
                           role_form=role_form, error=error,
                           password_form=password_form or ResetPasswordForm(formdata=None)), status


def _actor() -> User:
    """The signed-in admin as a plain User (services take rows, not proxies)."""
    return current_user._get_current_object()


def _user_or_404(user_id: int) -> User:
    """The user with this id, or a 404 page."""
    return user_service.get_user(user_id) or abort(404)


def _copy_errors(form, exc: ValidationFailed) -> None:
    """Show a service's field errors next to the form's fields."""
    for name, message in exc.fields.items():
        field = form[name] if name in form else None
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]


@bp.get("/")
@roles_required(ADMIN)
def index():
    """Every user with role, state and last sign-in; a form to add one."""
    return render_index(NewUserForm())


@bp.post("/")
@roles_required(ADMIN)
def create():
    """Add a user; problems are shown next to their fields and nothing is stored."""
    form = NewUserForm()
    if not form.validate_on_submit():
        return render_index(form, status=422)
    try:
        user = user_service.create_user(form.email.data, form.role.data, form.password.data,
                                        actor=_actor())
    except ValidationFailed as exc:
        _copy_errors(form, exc)
        return render_index(form, status=422)
    flash(f"Added {user.role} {user.email}.", "success")
    return redirect(url_for("users.index"))


@bp.get("/<int:user_id>/")
@roles_required(ADMIN)
def detail(user_id: int):
    """One user: change the role, reset the password, (de)activate."""
    return render_user(_user_or_404(user_id))


@bp.post("/<int:user_id>/toggle")
@roles_required(ADMIN)
def toggle(user_id: int):
    """Activate or deactivate as the button says (no intent sent: flip); sessions end at once."""
    form = ToggleForm()
    if not form.validate_on_submit():
        abort(400)
    user = _user_or_404(user_id)
    active = (not user.is_active) if not form.active.data else form.active.data == "1"
    try:
        changed = user_service.set_active(user, active, actor=_actor())
    except DomainError as exc:
        return render_index(NewUserForm(formdata=None), status=409, error=exc.message)
    state = "active" if active else "inactive"
    flash(f"{user.email} is now {state}." if changed else f"{user.email} already was {state};"
          " nothing changed.", "success" if changed else "info")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/role")
@roles_required(ADMIN)
def change_role(user_id: int):
    """Give the user another role; their sessions end so the new role applies at once."""
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return render_user(user, role_form=form, status=422)
    try:
        changed = user_service.set_role(user, form.role.data, actor=_actor())
    except DomainError as exc:
        return render_user(user, status=409, error=exc.message)
    flash(f"{user.email} is now {user.role}." if changed
          else f"{user.email} already was {user.role}; nothing changed.",
          "success" if changed else "info")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/password")
@roles_required(ADMIN)
def reset_password(user_id: int):
    """Set a new password for the user (tell it to them); their sessions end."""
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash("Change your own password here: it asks for your current one.", "info")
        return redirect(url_for("auth.change_password"))
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return render_user(user, password_form=form, status=422)
    try:
        user_service.set_password(user, form.password.data, actor=_actor())
    except ValidationFailed as exc:
        _copy_errors(form, exc)
        return render_user(user, password_form=form, status=422)
    flash(f"New password set for {user.email}; their sessions were signed out.", "success")
    return redirect(url_for("users.detail", user_id=user.id))
