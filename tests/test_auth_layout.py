"""The layout and the form macros other screens build on."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, NumberRange

from igny8.config import REPO_ROOT

PAGE = """{% extends "base.html" %}{% from "macros/forms.html" import render_form %}
{% block title %}Macro test{% endblock %}
{% block content %}{{ render_form(form, "/admin/x", "Save model") }}{% endblock %}"""


class SampleForm(FlaskForm):
    """A form with the field kinds the admin screens use."""

    name = StringField("Name", validators=[DataRequired(message="Name is required.")],
                       description="Shown in dropdowns")
    tokens = IntegerField("Tokens", validators=[NumberRange(min=1, message="At least 1.")])
    kind = RadioField("Kind", choices={"text": "Text", "image": "Image"})
    version = HiddenField(default="3")


def render(app, data=None, csrf=False):
    """Render PAGE with a SampleForm bound to `data`, CSRF on or off."""
    app.config["WTF_CSRF_ENABLED"] = csrf
    try:
        with app.test_request_context("/admin/x", method="POST", data=data or {}):
            form = SampleForm()
            form.validate()
            return render_template_string(PAGE, form=form)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_render_form_shows_errors_next_to_their_fields(app):
    page = render(app, {"name": "", "tokens": "0", "kind": "text"})
    assert re.search(r'id="name"[^>]*>\s*<div class="invalid-feedback">Name is required.</div>',
                     page)
    assert 'class="form-control is-invalid"' in page and 'aria-invalid="true"' in page
    assert '<div class="invalid-feedback">At least 1.</div>' in page
    assert '<div id="name-help" class="form-text">Shown in dropdowns</div>' in page
    assert 'type="radio"' in page and "<legend" in page
    assert '<input id="version" name="version" type="hidden" value="3">' in page
    assert '<button type="submit" class="btn btn-primary">Save model</button>' in page
    assert "<title>Macro test · igny8</title>" in page


def test_render_form_carries_the_csrf_token(app):
    assert 'name="csrf_token" type="hidden"' in render(app, csrf=True)
    assert "csrf_token" not in render(app, csrf=False)


def test_flash_categories_map_to_alerts(client, auth):
    auth.login(role="admin")
    with client.session_transaction() as session:
        session["_flashes"] = [("danger", "Could not save"), ("success", "Saved"),
                               ("message", "Plain note")]
    page = client.get("/admin/").get_data(as_text=True)
    assert '<div class="alert alert-danger" role="alert">Could not save</div>' in page
    assert '<div class="alert alert-success" role="status">Saved</div>' in page
    assert '<div class="alert alert-info" role="status">Plain note</div>' in page


def test_pages_need_no_javascript(client, auth):
    auth.login(role="admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "<script" not in page
    assert re.search(r'<form method="post" action="/auth/logout"', page)


@pytest.mark.parametrize("module", ["igny8.admin.sidebar", "igny8.auth", "igny8.auth.roles",
                                    "igny8.history.views", "igny8.admin", "igny8.auth.cli",
                                    "igny8.services.audit", "igny8.services.locking"])
def test_module_imports_on_its_own(module):
    """Blueprint packages import roles and the sidebar; no import order may create a cycle."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                            text=True, cwd=REPO_ROOT, check=False)
    assert result.returncode == 0, result.stderr
