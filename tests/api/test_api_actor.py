"""Who the history credits: the API key for a key-authenticated call, even beside a session."""
from tests.helpers.rows import audit_rows


def test_a_key_call_from_a_signed_in_browser_is_credited_to_the_key(api, auth, db, catalogue):
    auth.login(role="admin")  # the same client now also carries an admin's session cookie
    mini = catalogue["mini"]
    response = api.patch(f"/api/v1/models/{mini.id}", {"notes": "from the CRM", "version": 1})
    assert response.status_code == 200, response.get_json()
    [entry] = audit_rows(db)
    assert (entry.action, entry.actor_label, entry.actor_id) == (
        "update", "api-key:integration", None)
    assert entry.changes["notes"] == ["", "from the CRM"]


def test_the_same_clients_admin_pages_still_record_the_user(api, auth, client, db, catalogue):
    user = auth.login(role="admin")
    turbo = catalogue["turbo"]
    assert api.patch(f"/api/v1/models/{turbo.id}", {"notes": "key"}).status_code == 200
    response = client.post(f"/admin/ai-models/{turbo.id}/toggle", data={"active": "1"})
    assert response.status_code == 302
    key_entry, page_entry = audit_rows(db)
    assert (key_entry.actor_label, key_entry.actor_id) == ("api-key:integration", None)
    assert (page_entry.action, page_entry.actor_label, page_entry.actor_id) == (
        "activate", user.email, user.id)
