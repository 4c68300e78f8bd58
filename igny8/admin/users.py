"""Admin screen /admin/users/: list users, add one, activate or deactivate."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from igny8.admin.lists import paginate
from igny8.admin.sidebar import AdminSection, register_section
from igny8.auth.forms import ButtonForm, NewUserForm
from igny8.auth.roles import ADMIN, roles_required
from igny8.auth.users import create_user, set_active, users_query
from igny8.errors import DomainError, ValidationFailed
from igny8.extensions import db
from igny8.models.users import User
from igny8.services.numbers import parse_page

bp = Blueprint("users", __name__, url_prefix="/admin/users")
register_section(AdminSection("System", "Users", "users.index", 40, roles=(ADMIN,)))
PER_PAGE = 50


def render_index(form: NewUserForm, status: int = 200, error: str | None = None):
    """The users table with the add form; `error` explains a refused action."""
    users = paginate(users_query(), parse_page(request.args.get("page")), PER_PAGE)
    return render_template("auth/users.html", title="Users", form=form, users=users,
                           button_form=ButtonForm(), error=error), status


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
        user = create_user(form.email.data, form.role.data, form.password.data, actor=current_user)
    except ValidationFailed as exc:
        for name, message in exc.fields.items():
            form[name].errors = [*form[name].errors, message]
        return render_index(form, status=422)
    flash(f"Added {user.role} {user.email}.", "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/toggle")
@roles_required(ADMIN)
def toggle(user_id: int):
    """Activate an inactive user or deactivate an active one (they are signed out at once)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id) or abort(404)
    try:
        set_active(user, not user.is_active, actor=current_user)
    except DomainError as exc:
        return render_index(NewUserForm(formdata=None), status=409, error=exc.message)
    flash(f"{user.email} is now {'active' if user.is_active else 'inactive'}.", "success")
    return redirect(url_for("users.index"))
