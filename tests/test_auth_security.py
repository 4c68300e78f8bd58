"""Sign-in throttling (counted in the database) and CSRF on forms."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from igny8.auth import throttle
from igny8.models import LoginAttempt
from tests.factories import TEST_PASSWORD, UserFactory

LOCKED = "Too many failed sign-in attempts for this email from your address."


def sign_in(client, email, password, ip="10.0.0.1", **data):
    """POST the sign-in form from `ip`."""
    return client.post("/auth/login", data={"email": email, "password": password, **data},
                       environ_base={"REMOTE_ADDR": ip})


@pytest.fixture
def ada(db):
    """A user whose sign-ins the tests throttle."""
    user = UserFactory(email="ada@igny8.test")
    db.session.commit()
    return user


def fail_five_times(client, ip="10.0.0.1"):
    """Exhaust the allowed failures for ada from `ip`."""
    for _ in range(throttle.MAX_FAILURES):
        assert sign_in(client, "ada@igny8.test", "wrong", ip).status_code == 401


def test_five_failures_lock_the_email_from_that_address(client, db, ada):
    fail_five_times(client)

    response = sign_in(client, "ada@igny8.test", TEST_PASSWORD)

    assert response.status_code == 429 and response.headers["Retry-After"] == "900"
    assert LOCKED in response.get_data(as_text=True)
    assert "Try again in 15 minutes." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 5


def test_lock_is_per_address_and_per_email(client, db, ada):
    UserFactory(email="bob@igny8.test")
    db.session.commit()
    fail_five_times(client)
    assert sign_in(client, "ada@igny8.test", TEST_PASSWORD, ip="10.0.0.2").status_code == 302
    client.post("/auth/logout")
    assert sign_in(client, "bob@igny8.test", TEST_PASSWORD).status_code == 302


def test_email_case_does_not_bypass_the_lock(client, ada):
    fail_five_times(client)
    assert sign_in(client, "ADA@IGNY8.TEST", TEST_PASSWORD).status_code == 429


def test_lock_expires_after_the_window(client, db, ada):
    fail_five_times(client)
    db.session.execute(update(LoginAttempt).values(
        created_at=LoginAttempt.created_at - throttle.WINDOW - timedelta(seconds=1)))
    db.session.commit()
    assert sign_in(client, "ada@igny8.test", TEST_PASSWORD).status_code == 302


def test_success_clears_earlier_failures(client, db, ada):
    for _ in range(throttle.MAX_FAILURES - 1):
        sign_in(client, "ada@igny8.test", "wrong")
    assert sign_in(client, "ada@igny8.test", TEST_PASSWORD).status_code == 302
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0


@pytest.fixture
def csrf_on(app, monkeypatch):
    """Turn CSRF protection on for one test (the suite runs with it off)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def csrf_token_from(page: str) -> str:
    """The CSRF token rendered in a page's form."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_login_without_csrf_token_is_refused(client, ada, csrf_on):
    response = sign_in(client, "ada@igny8.test", TEST_PASSWORD)
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_with_the_form_token_succeeds(client, ada, csrf_on):
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    response = sign_in(client, "ada@igny8.test", TEST_PASSWORD, csrf_token=token)
    assert response.status_code == 302 and response.location == "/admin/"


def test_logout_without_csrf_token_keeps_the_session(client, auth, csrf_on):
    auth.login(role="admin")
    response = client.post("/auth/logout")
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 200
    page = client.get("/admin/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302
