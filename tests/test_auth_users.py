"""The users screen: list, add, activate and deactivate, each recorded in the history."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from igny8.services.users import set_active
from igny8.models import AuditEntry, User
from igny8.errors import DomainError
from tests.factories import UserFactory


def add(client, **fields):
    """POST the add-user form."""
    data = {"email": "new@igny8.test", "role": "support", "password": "long enough pw",
            "confirm": "long enough pw", **fields}
    return client.post("/admin/users/", data=data)


def test_list_shows_users_with_role_state_and_actions(client, auth, db):
    admin = auth.login(role="admin")
    UserFactory(email="off@igny8.test", role="support", is_active=False)
    db.session.commit()
    page = client.get("/admin/users/").get_data(as_text=True)
    assert f"{admin.email} <span class=\"text-muted\">(you)</span>" in page
    # Short labels; the email is there for screen readers (one button per row, not per email).
    assert 'Activate<span class="visually-hidden"> off@igny8.test</span>' in page
    assert f'Deactivate<span class="visually-hidden"> {admin.email}' not in page
    assert "Add a user" in page


def test_add_user_records_who_added_it(client, auth, db):
    admin = auth.login(role="admin")
    response = add(client, email="New@IGNY8.test", role="admin")
    assert response.status_code == 302
    assert "Added admin new@igny8.test." in client.get("/admin/users/").get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new@igny8.test"))
    assert user.is_admin and user.check_password("long enough pw")
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.object_id, entry.actor_id, entry.actor_label) == (
        "create", str(user.id), admin.id, admin.email)


def test_add_user_errors_are_named_and_nothing_is_stored(client, auth, db):
    auth.login(role="admin", email="me@igny8.test")
    cases = [
        ({"confirm": "different pw!"}, "The two passwords do not match."),
        ({"password": "short", "confirm": "short"}, "At least 10 characters."),
        ({"email": "me@igny8.test"}, "email me@igny8.test is already used by another user"),
        ({"role": "root"}, "Not a valid choice."),
    ]
    for fields, message in cases:
        response = add(client, **fields)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalars(select(User.email)).all() == ["me@igny8.test"]
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_deactivate_and_reactivate(client, auth, db):
    admin = auth.login(role="admin")
    other = UserFactory(email="ops@igny8.test", role="support")
    db.session.commit()
    assert client.post(f"/admin/users/{other.id}/toggle").status_code == 302
    assert db.session.get(User, other.id).is_active is False
    assert client.post(f"/admin/users/{other.id}/toggle").status_code == 302
    assert db.session.get(User, other.id).is_active is True
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.changes, e.actor_id) for e in entries] == [
        ("deactivate", {"is_active": [True, False]}, admin.id),
        ("activate", {"is_active": [False, True]}, admin.id),
    ]


def test_cannot_deactivate_yourself(client, auth, db):
    admin = auth.login(role="admin")
    response = client.post(f"/admin/users/{admin.id}/toggle")
    assert response.status_code == 409
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).is_active is True


def test_the_last_active_admin_stays_active(db):
    last = UserFactory(email="boss@igny8.test", role="admin")
    UserFactory(role="admin", is_active=False)
    operator = UserFactory(role="support")
    db.session.commit()
    with pytest.raises(DomainError, match="boss@igny8.test is the last active admin"):
        set_active(last, False, actor=operator)
    assert db.session.get(User, last.id).is_active is True
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_unknown_user_is_404(client, auth):
    auth.login(role="admin")
    assert client.post("/admin/users/999999/toggle").status_code == 404


def test_the_users_page_has_one_csrf_field_id(app, client, auth, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    auth.login(role="admin")
    UserFactory.create_batch(3, role="support")
    db.session.commit()
    page = client.get("/admin/users/").get_data(as_text=True)
    # the add form, the one form every row button posts (form="bulk-form"), sign-out
    assert page.count('name="csrf_token"') == 3
    assert page.count('id="csrf_token"') == 1
    row_form = re.search(r'<form id="bulk-form".*?</form>', page, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', row_form).group(1)
    other = db.session.scalars(select(User).where(User.role == "support")).first()
    assert f'formaction="/admin/users/{other.id}/toggle"' in page
    response = client.post(f"/admin/users/{other.id}/toggle",
                           data={"csrf_token": token, "active": "0"})
    assert response.status_code == 302 and db.session.get(User, other.id).is_active is False


def test_admin_changes_a_role_on_the_user_page(client, auth, db):
    admin = auth.login(role="admin")
    other = UserFactory(email="ops@igny8.test", role="support")
    db.session.commit()
    page = client.get(f"/admin/users/{other.id}/").get_data(as_text=True)
    assert "Save role" in page and "Set password" in page and "Deactivate" in page
    response = client.post(f"/admin/users/{other.id}/role", data={"role": "admin"})
    assert response.status_code == 302 and response.location == f"/admin/users/{other.id}/"
    assert "ops@igny8.test is now admin." in client.get(response.location).get_data(as_text=True)
    assert db.session.get(User, other.id).role == "admin"
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.changes, entry.actor_id) == (
        "change_role", {"role": ["support", "admin"]}, admin.id)


def test_the_last_admin_cannot_be_demoted_and_nobody_changes_their_own_role(client, auth, db):
    admin = auth.login(role="admin")
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "support"})
    assert response.status_code == 409
    assert "You cannot change your own role; ask another admin." in response.get_data(as_text=True)
    assert "Another admin can change your role." in client.get(
        f"/admin/users/{admin.id}/").get_data(as_text=True)
    assert db.session.get(User, admin.id).role == "admin"


def test_an_unknown_role_is_named(client, auth, db):
    auth.login(role="admin")
    other = UserFactory(role="support")
    db.session.commit()
    response = client.post(f"/admin/users/{other.id}/role", data={"role": "root"})
    assert response.status_code == 422 and "Not a valid choice." in response.get_data(as_text=True)
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_toggle_sends_its_intent_and_a_repeat_changes_nothing(client, auth, db):
    auth.login(role="admin")
    other = UserFactory(email="ops@igny8.test", role="support")
    db.session.commit()
    for _ in range(2):  # a double click, or a stale tab
        response = client.post(f"/admin/users/{other.id}/toggle", data={"active": "0"})
        assert response.status_code == 302
    page = client.get("/admin/users/").get_data(as_text=True)
    assert "ops@igny8.test already was inactive; nothing changed." in page
    assert db.session.get(User, other.id).is_active is False
    assert len(db.session.scalars(select(AuditEntry)).all()) == 1
    assert client.post(f"/admin/users/{other.id}/toggle", data={"active": "x"}).status_code == 400
