"""API keys: issued once, stored as a hash, listed, revoked; CLI and admin screen."""
import hashlib

import pytest
from sqlalchemy import select

from igny8.errors import ValidationFailed
from igny8.models import ApiKey, AuditEntry
from igny8.services import api_keys


def keys(db):
    """Every stored key."""
    return db.session.scalars(select(ApiKey).order_by(ApiKey.id)).all()


def test_only_the_hash_and_a_prefix_are_stored(db):
    key, raw = api_keys.create_key("reporting", "read", actor="cli")
    assert len(raw) >= 40
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:8] and raw not in (key.key_hash, key.prefix)
    assert api_keys.authenticate(raw).id == key.id
    assert api_keys.authenticate(raw + "x") is None
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.object_type, entry.actor_label) == ("create", "api_key", "cli")


@pytest.mark.parametrize("name,scope,field", [
    ("", "read", "name"), ("two words", "read", "name"), ("x" * 101, "read", "name"),
    ("fine", "admin", "scope"),
])
def test_bad_names_and_scopes_are_refused(db, name, scope, field):
    with pytest.raises(ValidationFailed) as refused:
        api_keys.create_key(name, scope, actor="cli")
    assert field in refused.value.fields
    assert keys(db) == []


def test_names_are_unique(db):
    api_keys.create_key("job", "read", actor="cli")
    with pytest.raises(ValidationFailed) as refused:
        api_keys.create_key("job", "write", actor="cli")
    assert "already exists" in refused.value.fields["name"]


def test_cli_creates_lists_and_revokes(app, db):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["api-keys", "create", "nightly-sync", "--scope", "write"])
    assert created.exit_code == 0, created.output
    raw = created.output.strip().splitlines()[-1]
    assert "not shown again" in created.output
    assert api_keys.authenticate(raw).name == "nightly-sync"

    listed = runner.invoke(args=["api-keys", "list"])
    assert "nightly-sync" in listed.output and raw[:8] in listed.output and raw not in listed.output

    assert runner.invoke(args=["api-keys", "revoke", "nightly-sync"]).exit_code == 0
    assert api_keys.authenticate(raw) is None
    again = runner.invoke(args=["api-keys", "revoke", "nightly-sync"])
    assert "already revoked" in again.output
    missing = runner.invoke(args=["api-keys", "revoke", "nope"])
    assert missing.exit_code != 0 and "No API key named nope" in missing.output
    duplicate = runner.invoke(args=["api-keys", "create", "nightly-sync"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["create", "revoke"]


def test_admin_creates_a_key_shown_once(client, auth, db):
    admin = auth.login(role="admin")
    response = client.post("/admin/api-keys/", data={"name": "crm", "scope": "write"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    [key] = keys(db)
    raw = page.split('<code id="new-api-key">')[1].split("</code>")[0]
    assert api_keys.authenticate(raw).id == key.id
    assert key.created_by_id == admin.id and key.scope == "write"
    again = client.get("/admin/api-keys/").get_data(as_text=True)
    assert raw not in again and key.prefix in again and "crm" in again


def test_admin_form_errors_are_shown_next_to_the_field(client, auth, db):
    auth.login(role="admin")
    api_keys.create_key("crm", "read", actor="cli")
    response = client.post("/admin/api-keys/", data={"name": "crm", "scope": "write"})
    assert response.status_code == 422
    assert "A key named crm already exists." in response.get_data(as_text=True)
    assert len(keys(db)) == 1


def test_admin_revokes_by_post(client, auth, db):
    admin = auth.login(role="admin")
    key, raw = api_keys.create_key("crm", "read", actor="cli")
    response = client.post(f"/admin/api-keys/{key.id}/revoke", follow_redirects=True)
    assert "API key crm revoked." in response.get_data(as_text=True)
    assert api_keys.authenticate(raw) is None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "revoke")).one()
    assert entry.actor_id == admin.id
    assert client.get(f"/admin/api-keys/{key.id}/revoke").status_code == 405
    assert client.post("/admin/api-keys/999/revoke").status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/admin/api-keys/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_support_users_cannot_manage_keys(client, auth):
    auth.login(role="support")
    assert client.get("/admin/api-keys/").status_code == 403
    assert client.post("/admin/api-keys/", data={"name": "x", "scope": "write"}).status_code == 403


def test_sidebar_shows_api_keys_to_admins_under_system(client, auth):
    auth.login(role="admin")
    page = client.get("/admin/api-keys/").get_data(as_text=True)
    system = page.split(">System<")[1]
    assert "API keys" in system and "API docs" in system
    assert 'aria-current="page">API keys</a>' in page


def test_revoke_needs_a_csrf_token_when_protection_is_on(app, client, auth, db):
    auth.login(role="admin")
    key, raw = api_keys.create_key("crm", "read", actor="cli")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/admin/api-keys/{key.id}/revoke")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert api_keys.authenticate(raw) is not None


def test_revoke_asks_first_naming_the_key_its_scope_and_last_use(client, auth, db):
    auth.login(role="admin")
    key, raw = api_keys.create_key("reporting-job", "write", actor="cli")
    listing = client.get("/admin/api-keys/").get_data(as_text=True)
    confirm_url = f"/admin/api-keys/{key.id}/confirm-revoke"
    assert f'href="{confirm_url}"' in listing  # a link to the question, not a one-click form
    page = client.get(confirm_url)
    assert page.status_code == 200
    facts = " ".join(page.get_data(as_text=True).split())
    assert 'key-name">reporting-job</dd>' in facts and 'key-scope">write</dd>' in facts
    assert 'key-last-used">never</dd>' in facts
    assert "Revoking <strong>reporting-job</strong> stops it working at once" in facts
    assert api_keys.authenticate(raw) is not None  # asking revoked nothing
    db.session.commit()
    assert 'key-last-used">never' not in " ".join(
        client.get(confirm_url).get_data(as_text=True).split())
    response = client.post(f"/admin/api-keys/{key.id}/revoke", follow_redirects=True)
    assert "API key reporting-job revoked." in response.get_data(as_text=True)
    again = client.get(confirm_url).get_data(as_text=True)
    assert "This key was already revoked" in again and "btn-danger" not in again
    assert client.get("/admin/api-keys/999/confirm-revoke").status_code == 404


def test_support_cannot_open_the_revoke_question(client, auth):
    auth.login(role="support")
    key, _ = api_keys.create_key("crm", "read", actor="cli")
    assert client.get(f"/admin/api-keys/{key.id}/confirm-revoke").status_code == 403
