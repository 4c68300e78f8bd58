"""Security headers on every route of the url_map, signed in or not, whatever the status."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter, PathConverter

from igny8 import config, create_app

STATIC_FILES = {"static": "css/admin.css", "bootstrap.static": "css/bootstrap.min.css"}
DUMMY_ID = 999999


def dummy_value(converter) -> object:
    """A value the converter accepts but no row will match."""
    if isinstance(converter, IntegerConverter):
        return DUMMY_ID
    if isinstance(converter, PathConverter):
        return "missing/path"
    return str(DUMMY_ID)


def every_route() -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule and method of the app, the API included."""
    app = create_app(config.TestingConfig("sqlite://"))
    adapter = app.url_map.bind("localhost")
    cases = []
    for rule in app.url_map.iter_rules():
        values = {name: dummy_value(conv) for name, conv in rule._converters.items()}
        if rule.endpoint in STATIC_FILES:
            values["filename"] = STATIC_FILES[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            cases.append((rule.endpoint, method, adapter.build(rule.endpoint, values,
                                                               method=method)))
    return cases


ROUTES = every_route()


def assert_security_headers(response, endpoint: str) -> None:
    """The headers every answer carries; no-store on everything but static files."""
    headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    if endpoint in STATIC_FILES:
        assert response.status_code == 200 and "no-store" not in headers.get("Cache-Control", "")
    else:
        assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers


def test_the_routes_include_pages_api_and_static_files():
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    assert {"auth.login", "auth.change_password", "users.detail", "healthz",
            "static", "bootstrap.static"} <= endpoints
    assert any(endpoint.startswith("api.") for endpoint in endpoints)


@pytest.mark.parametrize("role", ["anonymous", "admin"])
@pytest.mark.parametrize("endpoint, method, url", ROUTES, ids=lambda v: str(v))
def test_every_route_sends_the_security_headers(client, auth, role, endpoint, method, url):
    if role != "anonymous":
        auth.login(role=role)
    response = client.open(url, method=method)
    assert_security_headers(response, endpoint)


def test_error_pages_and_unknown_urls_carry_them_too(client, auth):
    auth.login(role="support")
    for url in ("/no/such/page", "/admin/users/"):  # 404, 403
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert_security_headers(response, None)


def test_hsts_only_when_cookies_are_https_only(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = client.get("/auth/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_crash_answers_500_with_the_headers():
    crash_app = create_app(config.TestingConfig("sqlite://"))
    crash_app.config["PROPAGATE_EXCEPTIONS"] = False

    def crash():
        raise RuntimeError("boom")

    crash_app.add_url_rule("/api/v1/crash", "crash", crash)
    response = crash_app.test_client().get("/api/v1/crash")
    assert response.status_code == 500
    assert_security_headers(response, "crash")
