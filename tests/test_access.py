"""Every route × every role × every method: the auth decision happens before anything else.

A view without `required_roles` fails here, so a new route cannot ship unguarded.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from werkzeug.routing import IntegerConverter, PathConverter

from igny8 import config, create_app
from igny8.auth.roles import ADMIN, SUPPORT

PUBLIC = {"static", "bootstrap.static", "healthz", "auth.login"}
ROLES = ("anonymous", SUPPORT, ADMIN)
DUMMY_ID = 999999


@dataclass(frozen=True)
class Case:
    """One route and method, with its URL built from dummy ids."""

    endpoint: str
    method: str
    url: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.endpoint})"


def dummy_value(converter) -> object:
    """A value the converter accepts but no row will match."""
    if isinstance(converter, IntegerConverter):
        return DUMMY_ID
    if isinstance(converter, PathConverter):
        return "missing/path"
    return str(DUMMY_ID)


def guarded_cases() -> list[Case]:
    """Every (endpoint, method) of the app except public endpoints and the key-authenticated API."""
    app = create_app(config.TestingConfig("sqlite://"))
    adapter = app.url_map.bind("localhost")
    cases = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith("api."):
            continue
        values = {name: dummy_value(conv) for name, conv in rule._converters.items()}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = adapter.build(rule.endpoint, values, method=method)
            cases.append(Case(rule.endpoint, method, url))
    return cases


CASES = guarded_cases()


def is_login_redirect(response) -> bool:
    """Whether the response sends the browser to the sign-in page."""
    return response.status_code == 302 and response.location.startswith("/auth/login")


def test_the_access_matrix_covers_the_admin_screens():
    endpoints = {case.endpoint for case in CASES}
    assert {"root", "admin.index", "auth.logout", "history.index",
            "history.object_history"} <= endpoints
    assert not any(endpoint.startswith("api.") for endpoint in endpoints)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_route_access(app, client, auth, case, role):
    required = getattr(app.view_functions[case.endpoint], "required_roles", None)
    assert required, f"{case.endpoint} has no required_roles: add @roles_required(...)"
    if role != "anonymous":
        auth.login(role=role)

    response = client.open(case.url, method=case.method)

    if role == "anonymous":
        assert is_login_redirect(response), (response.status_code, response.location)
        assert "next=" in response.location
    elif role not in required:
        assert response.status_code == 403
        assert "Access denied" in response.get_data(as_text=True)
    else:
        assert response.status_code not in (401, 403) and response.status_code < 500
        # Signing out is the one allowed way back to the sign-in page.
        assert case.endpoint == "auth.logout" or not is_login_redirect(response)
