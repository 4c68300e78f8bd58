"""The one list engine: literal search (`%`, `_`), clamped pages and its use by every list."""
from datetime import datetime, timezone

from igny8.admin.lists.query import build_list_page
from igny8.catalogue.options import MODEL_LIST
from igny8.models import AIModelConfig
from igny8.models.audit import AuditEntry
from igny8.services import api_keys
from tests.factories import AccountFactory, TextModelFactory, UserFactory


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


def test_api_keys_list_pages_through_the_engine(client, auth, db):
    admin = auth.login(role="admin")
    for number in range(53):
        api_keys.create_key(f"job-{number:02d}", "read", actor=admin)
    page = client.get("/admin/api-keys/").get_data(as_text=True)
    assert "job-52" in page and "job-02" not in page and "Page 1 of 2" in page
    page = client.get("/admin/api-keys/?page=9").get_data(as_text=True)  # clamped: the last
    assert "job-02" in page and "job-00" in page and "job-52" not in page


def test_users_list_pages_through_the_engine(client, auth, db):
    auth.login(role="admin", email="aaa-admin@igny8.test")
    for number in range(55):
        UserFactory(role="support", email=f"support-{number:02d}@igny8.test")
    db.session.commit()
    page = client.get("/admin/users/").get_data(as_text=True)
    assert "aaa-admin@igny8.test" in page and "support-48@igny8.test" in page
    assert "support-49@igny8.test" not in page and "Page 1 of 2" in page
    page = client.get("/admin/users/?page=7").get_data(as_text=True)  # clamped: the last
    assert "support-54@igny8.test" in page and "support-48@igny8.test" not in page


def test_a_page_narrowed_by_where_does_not_use_the_cached_order(app, db):
    """The order cache is keyed by the query string's search, filters and sort; conditions a
    screen adds with `where=` are not in that key, so such a page runs its own query."""
    TextModelFactory(display_name="Alpha", provider="openai")
    TextModelFactory(display_name="Beta", provider="anthropic")
    db.session.commit()
    with app.test_request_context("/admin/ai-models/"):
        every = build_list_page(MODEL_LIST, "catalogue.index", {}, "admin")
        narrowed = build_list_page(MODEL_LIST, "catalogue.index", {}, "admin",
                                   where=(AIModelConfig.provider == "anthropic",))
    assert [row.display_name for row in every.rows] == ["Alpha", "Beta"]
    assert [row.display_name for row in narrowed.rows] == ["Beta"]
