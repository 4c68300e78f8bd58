"""Activate/Deactivate buttons send their intent: never the opposite, never a false conflict."""
import threading

from sqlalchemy import func, select

from igny8.catalogue.list_cache import LIST_CACHE
from igny8.models.audit import AuditEntry
from tests.helpers.app import AuthActions
from tests.helpers.pages import page_text
from tests.factories import TextModelFactory

BASE = "/admin/ai-models"


def audit_count(db, action: str) -> int:
    """How many audit entries of `action` exist."""
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == action))


def test_a_stale_activate_on_an_active_model_changes_nothing_and_says_so(client, auth, db):
    model = TextModelFactory(display_name="Sonnet")
    db.session.commit()
    version = model.version
    auth.login("support")
    response = client.post(f"{BASE}/{model.id}/toggle", data={"active": "1"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Sonnet is already active. Nothing was changed." in page_text(response)
    db.session.expire_all()
    assert model.is_active and model.version == version
    assert audit_count(db, "activate") == audit_count(db, "deactivate") == 0


def test_a_toggle_without_intent_is_refused(client, auth, db):
    model = TextModelFactory(display_name="Sonnet")
    db.session.commit()
    auth.login("admin")
    for data in ({}, {"active": "yes"}):
        response = client.post(f"{BASE}/{model.id}/toggle", data=data)
        assert response.status_code == 400
        assert "active: send 1 to activate or 0 to deactivate" in page_text(response)
    db.session.expire_all()
    assert model.is_active and audit_count(db, "deactivate") == 0


def test_row_buttons_carry_their_intent_and_the_cached_list_no_token(client, auth, db):
    active = TextModelFactory(display_name="On")
    idle = TextModelFactory(display_name="Off", is_active=False)
    db.session.commit()
    auth.login("admin")
    LIST_CACHE.clear()
    html = client.get(BASE + "/").get_data(as_text=True)
    assert f'formaction="{BASE}/{active.id}/toggle" name="active" value="0"' in html
    assert f'formaction="{BASE}/{idle.id}/toggle" name="active" value="1"' in html
    assert html.count("<form") == 3  # search, the list's one action form, sign out
    assert len(LIST_CACHE) == 1
    assert all("csrf" not in table for table in LIST_CACHE._entries.values())


def test_a_double_click_on_deactivate_reports_no_conflict(app, db):
    """Two clicks sent at once, 20 times: one deactivates, the other is told it already is."""
    model = TextModelFactory(display_name="Twice")
    db.session.commit()
    url = f"{BASE}/{model.id}/toggle"
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        AuthActions(client).login("admin")
    for _round in range(20):
        texts = []
        barrier = threading.Barrier(2)

        def click(client):
            barrier.wait()
            response = client.post(url, data={"active": "0"}, follow_redirects=True)
            texts.append((response.status_code, page_text(response)))

        threads = [threading.Thread(target=click, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [status for status, _ in texts] == [200, 200]
        said = sorted("Deactivated 1 model." in text for _, text in texts)
        assert said == [False, True], texts
        assert any("Twice is already inactive. Nothing was changed." in text for _, text in texts)
        assert not any("someone else" in text for _, text in texts)
        db.session.expire_all()
        assert not model.is_active
        model.is_active = True
        db.session.commit()
    assert audit_count(db, "deactivate") == 20
