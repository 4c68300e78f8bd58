"""Passwords: change your own, an admin resets another's, one policy on every path."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from igny8.models import AuditEntry, User
from igny8.services.passwords import password_problem
from tests.factories import TEST_PASSWORD, UserFactory

GOOD = "quiet lantern orbit"


@pytest.mark.parametrize("password, problem", [
    ("short", "password must have at least 10 characters"),
    ("aaaaaaaaaa", "password is too easy to guess"),
    ("password123", "password is too easy to guess"),
    ("qwertyuiop", "password is too easy to guess"),
    ("ada@igny8.test1", "password is too easy to guess"),
    ("x" * 257, "password must have at most 256 characters"),
])
def test_the_policy_refuses_weak_passwords(password, problem):
    assert problem in password_problem(password, "ada@igny8.test")


@pytest.mark.parametrize("password", [TEST_PASSWORD, GOOD, "7Kq!vR2#pLm9"])
def test_the_policy_accepts_strong_passwords(password):
    assert password_problem(password, "ada@igny8.test") is None


def change(client, current=TEST_PASSWORD, password=GOOD, confirm=None):
    """POST the change-password form."""
    return client.post("/auth/password", data={
        "current": current, "password": password, "confirm": confirm or password})


def test_the_header_links_to_change_password(client, auth):
    auth.login(role="support")
    page = client.get("/admin/").get_data(as_text=True)
    assert '<a class="link-light" href="/auth/password">Change password</a>' in page
    form = client.get("/auth/password").get_data(as_text=True)
    assert "Current password" in form and "Repeat password" in form


def test_change_own_password_is_audited(client, auth, db):
    user = auth.login(role="support")
    assert change(client).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(GOOD)
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "change_password", str(user.id), user.id)
    assert entry.changes == {"password": ["(hidden)", "(changed)"]}


@pytest.mark.parametrize("fields, message", [
    ({"current": "not my password"}, "the current password is wrong"),
    ({"password": "aaaaaaaaaa"}, "password is too easy to guess"),
    ({"password": "short"}, "At least 10 characters."),
    ({"confirm": "something else"}, "The two passwords do not match."),
    ({"password": TEST_PASSWORD}, "choose a password different from the current one"),
])
def test_change_own_password_errors_are_named(client, auth, db, fields, message):
    user = auth.login(role="admin")
    response = change(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(TEST_PASSWORD)
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_admin_resets_a_password(client, auth, db):
    admin = auth.login(role="admin")
    other = UserFactory(email="ops@igny8.test", role="support")
    db.session.commit()
    page = client.get(f"/admin/users/{other.id}/").get_data(as_text=True)
    assert "Set a new password and tell it to ops@igny8.test" in page
    response = client.post(f"/admin/users/{other.id}/password",
                           data={"password": GOOD, "confirm": GOOD})
    assert response.status_code == 302
    assert ("New password set for ops@igny8.test; their sessions were signed out."
            in client.get(response.location).get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(User, other.id).check_password(GOOD)
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id) == ("reset_password", admin.id)


def test_admin_reset_refuses_a_weak_password(client, auth, db):
    auth.login(role="admin")
    other = UserFactory(email="ops@igny8.test", role="support")
    db.session.commit()
    response = client.post(f"/admin/users/{other.id}/password",
                           data={"password": "ops@igny8.test", "confirm": "ops@igny8.test"})
    assert response.status_code == 422
    assert "password is too easy to guess" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, other.id).check_password(TEST_PASSWORD)


def test_your_own_reset_goes_to_change_password(client, auth):
    admin = auth.login(role="admin")
    response = client.post(f"/admin/users/{admin.id}/password",
                           data={"password": GOOD, "confirm": GOOD})
    assert response.status_code == 302 and response.location == "/auth/password"


def test_adding_a_user_with_a_weak_password_is_refused(client, auth, db):
    auth.login(role="admin", email="me@igny8.test")
    response = client.post("/admin/users/", data={
        "email": "new@igny8.test", "role": "support", "password": "aaaaaaaaaa",
        "confirm": "aaaaaaaaaa"})
    assert response.status_code == 422
    assert "password is too easy to guess" in response.get_data(as_text=True)
    assert db.session.scalars(select(User.email)).all() == ["me@igny8.test"]
