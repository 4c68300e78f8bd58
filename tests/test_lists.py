"""The one list engine: literal search (`%`, `_`), clamped pages and its use by every list."""
from datetime import datetime, timezone

from igny8.models.audit import AuditEntry
from tests.factories import AccountFactory


def add_entry(db, actor_label: str) -> None:
    """One audit entry by `actor_label`."""
    db.session.add(AuditEntry(action="update", object_type="ai_model", object_id="1",
                              object_repr=f"Model by {actor_label}", changes={},
                              actor_label=actor_label,
                              created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))


def test_history_actor_search_takes_percent_and_underscore_literally(client, auth, db):
    add_entry(db, "ada@igny8.test")
    add_entry(db, "100%_sure@igny8.test")
    db.session.commit()
    auth.login(role="admin")
    for typed in ("%", "_", "0%_"):
        page = client.get("/admin/history/", query_string={"actor": typed}).get_data(as_text=True)
        assert "Model by 100%_sure@igny8.test" in page
        assert "Model by ada@igny8.test" not in page
    page = client.get("/admin/history/?actor=ada").get_data(as_text=True)
    assert "Model by ada@igny8.test" in page and "100%_sure" not in page


def test_accounts_list_clamps_the_page_and_finds_hash_ids(client, auth, db):
    accounts = [AccountFactory(name=f"Client {number:02d}") for number in range(30)]
    AccountFactory(name="Under_score")
    db.session.commit()
    auth.login(role="support")
    page = client.get("/admin/settings/accounts?page=99").get_data(as_text=True)
    assert "31 accounts" in page and "Under_score" in page and "Page 2 of 2" in page
    assert "No accounts found." not in page
    page = client.get(f"/admin/settings/accounts?q=%23{accounts[3].id}").get_data(as_text=True)
    assert "Client 03" in page and "1 account matching" in page
    page = client.get("/admin/settings/accounts?q=_").get_data(as_text=True)
    assert "Under_score" in page and "Client 00" not in page
