"""Sign-in, sign-out, safe `next`, session cookies and the login guard."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from igny8 import config as igny8_config
from igny8.auth.roles import ADMIN, roles_required
from igny8.auth.safety import is_safe_next
from igny8.models import LoginAttempt, User
from tests.factories import TEST_PASSWORD, UserFactory


def sign_in(client, email, password=TEST_PASSWORD, next_url=None, **kwargs):
    """POST the sign-in form."""
    data = {"email": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/auth/login", data=data, **kwargs)


def test_login_page_shows_the_form(client):
    response = client.get("/auth/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sign in" in page and 'name="email"' in page and 'name="password"' in page
    assert 'href="/bootstrap/static/css/bootstrap.min.css"' in page  # served locally, no CDN


def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/admin/history/?action=update")
    assert response.status_code == 302
    assert response.location == "/auth/login?next=%2Fadmin%2Fhistory%2F%3Faction%3Dupdate"


def test_root_redirects_to_the_dashboard(client, auth):
    auth.login(role="support")
    response = client.get("/")
    assert response.status_code == 302 and response.location == "/admin/"


def test_successful_login_opens_the_dashboard_with_a_hardened_cookie(client, db):
    user = UserFactory(email="ada@igny8.test", role="admin")
    db.session.commit()

    response = sign_in(client, "  ADA@igny8.test ")

    assert response.status_code == 302 and response.location == "/admin/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = client.get("/admin/").get_data(as_text=True)
    assert "Signed in as ada@igny8.test." in page and "Dashboard" in page
    assert db.session.get(User, user.id).last_login_at is not None


def test_secure_cookie_when_configured(app, client, db, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert igny8_config.Config().SESSION_COOKIE_SECURE is True
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    UserFactory(email="sec@igny8.test")
    db.session.commit()
    response = sign_in(client, "sec@igny8.test")
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("email,password", [
    ("ada@igny8.test", "wrong password"),
    ("nobody@igny8.test", TEST_PASSWORD),
])
def test_wrong_credentials_show_one_message_and_count_a_failure(client, db, email, password):
    UserFactory(email="ada@igny8.test")
    db.session.commit()
    response = sign_in(client, email, password)
    assert response.status_code == 401
    assert "Invalid email or password." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 1
    assert client.get("/admin/").status_code == 302


def test_missing_fields_are_named(client):
    response = sign_in(client, "", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter your email." in page and "Enter your password." in page


def test_inactive_user_cannot_sign_in(client, db):
    UserFactory(email="gone@igny8.test", is_active=False)
    db.session.commit()
    response = sign_in(client, "gone@igny8.test")
    assert response.status_code == 401
    assert ("Your user gone@igny8.test was deactivated. Ask an admin to reactivate it."
            in response.get_data(as_text=True))
    assert client.get("/admin/").status_code == 302


def test_deactivated_user_with_a_wrong_password_is_not_told_the_state(client, db):
    UserFactory(email="gone@igny8.test", is_active=False)
    db.session.commit()
    page = sign_in(client, "gone@igny8.test", "not the password").get_data(as_text=True)
    assert "Invalid email or password." in page and "deactivated" not in page


def test_deactivated_user_is_signed_out_on_the_next_request(client, auth, db):
    user = auth.login(role="admin")
    assert client.get("/admin/").status_code == 200
    user.is_active = False
    db.session.commit()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("target", ["/admin/history/?page=2", "/admin/ai-models/"])
def test_local_next_is_followed(client, db, target):
    UserFactory(email="ada@igny8.test")
    db.session.commit()
    response = sign_in(client, "ada@igny8.test", next_url=target)
    assert response.status_code == 302 and response.location == target


UNSAFE_TARGETS = [
    "//evil.example/", "https://evil.example/", "http:/evil.example", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", "evil.example", "/admin/\r\nLocation: x", "",
]


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_unsafe_next_falls_back_to_the_dashboard(client, db, target):
    assert not is_safe_next(target)
    UserFactory(email="ada@igny8.test")
    db.session.commit()
    response = sign_in(client, "ada@igny8.test", next_url=target)
    assert response.status_code == 302 and response.location == "/admin/"


def test_next_from_the_query_string_reaches_the_form(client):
    page = client.get("/auth/login?next=/admin/history/").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/admin/history/"' in page


def test_signed_in_user_visiting_login_is_redirected(client, auth):
    auth.login(role="support")
    response = client.get("/auth/login?next=//evil.example/")
    assert response.status_code == 302 and response.location == "/admin/"


def test_logout_is_post_only(client, auth):
    auth.login(role="admin")
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/admin/").status_code == 200

    response = auth.logout()

    assert response.status_code == 302 and response.location == "/auth/login"
    assert "You have been signed out." in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_through_the_real_form(client, auth):
    user = auth.login(role="support", via_form=True)
    page = client.get("/admin/").get_data(as_text=True)
    assert user.email in page and "support" in page


def test_roles_required_rejects_unknown_roles():
    with pytest.raises(ValueError, match="roles_required needs roles"):
        roles_required("superuser")
    with pytest.raises(ValueError):
        roles_required()
    assert roles_required(ADMIN)(lambda: None).required_roles == (ADMIN,)
