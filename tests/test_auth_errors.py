"""Error pages render in the admin layout; API paths get JSON."""
from __future__ import annotations

from flask import abort

from igny8 import create_app
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.config import TestingConfig as _TestingConfig


def test_404_page_in_the_layout(client, auth):
    auth.login(role="support")
    response = client.get("/admin/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page and "/admin/no-such-page" in page
    assert "Sign out" in page and "Back to the dashboard" in page


def test_anonymous_unknown_url_goes_to_login(client):
    response = client.get("/admin/no-such-page")
    assert response.status_code == 302 and response.location.startswith("/auth/login")


def test_403_page_names_the_role(client, auth, app):
    admin_only = [r.rule for r in app.url_map.iter_rules()
                  if getattr(app.view_functions[r.endpoint], "required_roles", None) == (ADMIN,)
                  and "GET" in r.methods and not r.arguments]
    assert admin_only, "expected at least one admin-only screen"
    auth.login(role="support")
    response = client.get(admin_only[0])
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Access denied" in page and "Your role (support)" in page


def test_405_page_in_the_layout(client, auth):
    auth.login(role="admin")
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Method Not Allowed" in response.get_data(as_text=True)
    assert response.headers["Allow"]


def test_api_paths_get_json_errors(client):
    response = client.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_500_page_rolls_back_and_shows_the_layout(app, auth):
    crash_app = create_app(_TestingConfig(app.config["SQLALCHEMY_DATABASE_URI"]))
    crash_app.config["PROPAGATE_EXCEPTIONS"] = False

    @roles_required(ADMIN, SUPPORT)
    def crash():
        raise RuntimeError("boom")

    @roles_required(ADMIN, SUPPORT)
    def teapot():
        abort(418)

    crash_app.add_url_rule("/admin/crash", "crash", crash)
    crash_app.add_url_rule("/admin/teapot", "teapot", teapot)
    user = auth.login(role="admin")
    with crash_app.app_context():
        client = crash_app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        response = client.get("/admin/crash")
        page = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Something went wrong" in page and "nothing was saved" in page
        assert user.email in page and "boom" not in page
        teapot_response = client.get("/admin/teapot")
        assert teapot_response.status_code == 418
        assert "I&#39;m a teapot" in teapot_response.get_data(as_text=True)
