"""Sessions end for good: sign-out, deactivation, password and role changes refuse old cookies;
idle and absolute lifetimes sign people out."""
from __future__ import annotations

import time

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from igny8.auth import lifetime
from igny8.models import User
from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "quiet lantern orbit"


class OwnUserClient(FlaskClient):
    """A test client whose requests load their own user.

    The tests share one app context, and Flask-Login caches the loaded user in its `g`; in
    production each request has its own context. Several clients per test need that too.
    """

    def open(self, *args, **kwargs):
        """Forget the user an earlier request (of any client) loaded, then send the request."""
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def own_user_clients(app, monkeypatch):
    """Every client made in these tests is an OwnUserClient."""
    monkeypatch.setattr(app, "test_client_class", OwnUserClient)


def signed_in_client(app, db, role="admin", email="ada@igny8.test"):
    """(client, user): a fresh client signed in through the real form."""
    user = db.session.scalar(select(User).where(User.email == email)) or UserFactory(
        role=role, email=email)
    db.session.commit()
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, user


def replay(app, client):
    """A new client carrying a copy of `client`'s session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def is_signed_out(client) -> bool:
    """Whether the client is sent to the sign-in page."""
    response = client.get("/admin/")
    return response.status_code == 302 and response.location.startswith("/auth/login")


def test_a_cookie_replayed_after_sign_out_is_refused(app, db):
    client, _ = signed_in_client(app, db)
    stolen = replay(app, client)
    assert stolen.get("/admin/").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    assert is_signed_out(stolen) and is_signed_out(client)


def test_reactivating_a_user_does_not_revive_old_cookies(app, db, auth):
    admin = auth.login(role="admin")
    victim_client, victim = signed_in_client(app, db, role="support", email="ops@igny8.test")
    old_cookie = replay(app, victim_client)
    toggle = f"/admin/users/{victim.id}/toggle"
    assert auth.client.post(toggle, data={"active": "0"}).status_code == 302
    assert is_signed_out(victim_client)
    assert auth.client.post(toggle, data={"active": "1"}).status_code == 302
    assert db.session.get(User, victim.id).is_active and admin.is_active
    assert is_signed_out(old_cookie)
    fresh, _ = signed_in_client(app, db, email="ops@igny8.test")
    assert fresh.get("/admin/").status_code == 200


def test_changing_your_password_keeps_this_session_and_ends_the_others(app, db):
    client, user = signed_in_client(app, db)
    other_device, _ = signed_in_client(app, db)
    response = client.post("/auth/password", data={
        "current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/admin/"
    page = client.get("/admin/").get_data(as_text=True)
    assert "Your password was changed; your other sessions were signed out." in page
    assert is_signed_out(other_device)
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_a_role_change_ends_the_users_sessions(app, db, auth):
    auth.login(role="admin")
    client, user = signed_in_client(app, db, role="admin", email="second@igny8.test")
    response = auth.client.post(f"/admin/users/{user.id}/role", data={"role": "support"})
    assert response.status_code == 302
    assert is_signed_out(client)
    again, _ = signed_in_client(app, db, email="second@igny8.test")
    assert again.get("/admin/users/").status_code == 403


def test_an_admin_password_reset_ends_the_users_sessions(app, db, auth):
    auth.login(role="admin")
    client, user = signed_in_client(app, db, role="support", email="ops@igny8.test")
    response = auth.client.post(f"/admin/users/{user.id}/password",
                                data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_out(client)


def test_a_cookie_naming_the_user_by_id_alone_is_refused(app, db):
    user = UserFactory(role="admin")
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert is_signed_out(client)
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:not-the-token"
    assert is_signed_out(client)


def age_session(client, **seconds_ago):
    """Move the session's sign-in and last-activity stamps into the past."""
    now = int(time.time())
    with client.session_transaction() as session:
        session[lifetime.SIGNED_IN_AT] = now - seconds_ago.get("signed_in", 0)
        session[lifetime.SEEN_AT] = now - seconds_ago.get("seen", 0)


@pytest.mark.parametrize("ages, message", [
    ({"signed_in": 3600, "seen": 31 * 60},
     "You were signed out after 30 minutes without activity."),
    ({"signed_in": 12 * 3600 + 5, "seen": 10}, "You were signed out 12 hours after signing in."),
])
def test_sessions_end_after_the_idle_and_the_absolute_lifetime(app, db, ages, message):
    client, _ = signed_in_client(app, db)
    age_session(client, **ages)
    response = client.get("/admin/history/")
    assert response.status_code == 302
    assert response.location == "/auth/login?next=%2Fadmin%2Fhistory%2F"
    assert message in client.get(response.location).get_data(as_text=True)
    assert is_signed_out(client)


def test_activity_keeps_a_session_alive(app, db):
    client, _ = signed_in_client(app, db)
    age_session(client, signed_in=3 * 3600, seen=29 * 60)
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session[lifetime.SEEN_AT] < 5


def test_lifetimes_come_from_the_config(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "IGNY8_SESSION_IDLE_MINUTES", 5)
    client, _ = signed_in_client(app, db)
    age_session(client, signed_in=400, seen=301)
    assert is_signed_out(client)


def test_sign_out_rotates_the_token(app, db):
    client, user = signed_in_client(app, db)
    before = user.session_token
    client.post("/auth/logout")
    db.session.expire_all()
    assert db.session.get(User, user.id).session_token != before
