"""Admin screen /admin/api-keys/: list, issue (the key is shown once) and revoke API keys."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from igny8.admin.lists import build_list_page
from igny8.admin.sidebar import AdminSection, register_section
from igny8.auth.roles import ADMIN, roles_required
from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.api.admin_list import KEY_LIST
from igny8.models.api_keys import SCOPES, ApiKey
from igny8.services import api_keys

bp = Blueprint("api_keys", __name__, url_prefix="/admin/api-keys")
register_section(AdminSection("System", "API keys", "api_keys.index", 10, roles=(ADMIN,)))
register_section(AdminSection("System", "API docs", "api.docs", 20))


class ApiKeyForm(FlaskForm):
    """Name and scope of a new key."""

    name = StringField("Name", validators=[DataRequired(), Length(max=api_keys.NAME_MAX_LENGTH)],
                       description="Who or what uses the key, e.g. reporting-job. No spaces.")
    scope = SelectField("Scope", choices=dict(SCOPES), default="read",
                        description="Read keys can only list and read; write keys can change data.")


class RevokeForm(FlaskForm):
    """The CSRF token of a revoke button."""


def render_index(form: ApiKeyForm, new_key: str | None = None, status: int = 200):
    """The list of keys with the issue form; `new_key` is shown once after creation."""
    page = build_list_page(KEY_LIST, "api_keys.index", request.args, current_user.role)
    return render_template("api_keys/index.html", title="API keys", form=form, page=page,
                           new_key=new_key), status


@bp.get("/")
@roles_required(ADMIN)
def index():
    """Every key with its prefix, scope and use; a form to issue one."""
    return render_index(ApiKeyForm())


@bp.post("/")
@roles_required(ADMIN)
def create():
    """Issue a key and show it on this response only; it is not stored."""
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return render_index(form, status=422)
    try:
        key, raw_key = api_keys.create_key(form.name.data, form.scope.data, actor=current_user)
    except ValidationFailed as exc:
        for name, message in exc.fields.items():
            form[name].errors = [*form[name].errors, message]
        return render_index(form, status=422)
    flash(f"API key {key.name} created with {key.scope} scope. Copy it now: it is not shown again.",
          "success")
    return render_index(ApiKeyForm(formdata=None), new_key=raw_key)


@bp.get("/<int:key_id>/confirm-revoke")
@roles_required(ADMIN)
def confirm_revoke(key_id: int):
    """Ask before revoking: the key's name, scope, prefix and last use."""
    key = db.session.get(ApiKey, key_id) or abort(404)
    return render_template("api_keys/confirm_revoke.html", title=f"Revoke API key {key.name}",
                           key=key, form=RevokeForm())


@bp.post("/<int:key_id>/revoke")
@roles_required(ADMIN)
def revoke(key_id: int):
    """Revoke a key once confirmed; it stops working at once."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    key = db.session.get(ApiKey, key_id) or abort(404)
    if api_keys.revoke_key(key, actor=current_user):
        flash(f"API key {key.name} revoked.", "success")
    else:
        flash(f"API key {key.name} was already revoked.", "info")
    return redirect(url_for("api_keys.index"))
