"""The catalogue's row actions: toggle, bulk (de)activation with its confirmation, delete with its
refusals, and refusals worded for support."""

import pytest
from sqlalchemy import event

from igny8.models import GlobalIntegrationSettings
from igny8.services.usage import Usage
from tests.factories import TextModelFactory
from tests.helpers.pages import CATALOGUE_URL as BASE
from tests.helpers.pages import page_text as text_of
from tests.helpers.rows import audit_rows, model_count

pytestmark = pytest.mark.catalogue("listing")


# --- toggle and bulk ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "support"])
def test_toggle_activates_and_deactivates(client, auth, catalogue, db, role):
    _, _, flux = catalogue
    auth.login(role)
    response = client.post(f"{BASE}/{flux.id}/toggle",
                           data={"next": "/admin/ai-models/?type=image", "active": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("?type=image")
    db.session.expire_all()
    assert flux.is_active
    response = client.post(f"{BASE}/{flux.id}/toggle", data={"active": "0"},
                           follow_redirects=True)
    assert "Deactivated 1 model." in text_of(response)
    db.session.expire_all()
    assert not flux.is_active
    entries = audit_rows(db, action="activate") + audit_rows(db, action="deactivate")
    assert [e.action for e in entries] == ["activate", "deactivate"]
    assert audit_rows(db, action="activate")[0].actor_label == auth.user.email


def test_toggle_ignores_an_external_next(client, auth, catalogue):
    auth.login("admin")
    response = client.post(f"{BASE}/{catalogue[2].id}/toggle", data={"next": "//evil.example/",
                                                                     "active": "1"})
    assert response.headers["Location"].endswith("/admin/ai-models/")


def test_toggle_refuses_a_global_default_and_links_to_settings(client, auth, catalogue, db):
    mini = catalogue[0]
    auth.login("support")
    response = client.post(f"{BASE}/{mini.id}/toggle", data={"active": "0"})
    assert response.status_code == 409
    page = text_of(response)
    assert "Cannot deactivate GPT-4o Mini (gpt-4o-mini)" in page
    assert "GPT-4o Mini (gpt-4o-mini) is the OpenAI text model of the Global Integration" in page
    assert 'href="/admin/settings/global">Change the Global Integration Settings</a>' in (
        response.get_data(as_text=True))
    db.session.expire_all()
    assert mini.is_active and audit_rows(db, action="deactivate") == []


def test_toggle_of_an_overridden_model_asks_first_and_names_accounts(client, auth, catalogue, db):
    claude = catalogue[1]
    auth.login("admin")
    response = client.post(f"{BASE}/{claude.id}/toggle", data={"active": "0"})
    assert response.status_code == 200
    page = text_of(response)
    assert "1 account override to this model and will fall back to the global default: Acme Ltd" \
        in page
    db.session.expire_all()
    assert claude.is_active  # nothing changes until confirmed
    response = client.post(f"{BASE}/bulk", data={"action": "deactivate", "ids": [claude.id],
                                                 "confirm": "yes"}, follow_redirects=True)
    assert "Deactivated 1 model." in text_of(response)
    db.session.expire_all()
    assert not claude.is_active


def test_activating_an_unpriced_model_is_refused(client, auth, db):
    bare = TextModelFactory(display_name="Bare", is_active=False, input_price_per_1m=None)
    db.session.commit()
    auth.login("admin")
    response = client.post(f"{BASE}/{bare.id}/toggle", data={"active": "1"})
    assert response.status_code == 409
    page = text_of(response)
    assert "Cannot activate Bare" in page and "lacks input price per 1m" in page
    db.session.expire_all()
    assert not bare.is_active


@pytest.mark.parametrize("role", ["admin", "support"])
def test_bulk_confirmation_then_apply(client, auth, catalogue, db, role):
    mini, claude, flux = catalogue
    auth.login(role)
    extra = TextModelFactory(display_name="Extra", is_active=False)
    db.session.commit()
    response = client.post(f"{BASE}/bulk", data={"action": "activate", "ids": [flux.id, extra.id],
                                                 "next": "/admin/ai-models/?active=0"})
    page = text_of(response)
    assert response.status_code == 200 and "Activate 2 models?" in page
    assert "Extra" in page and "Runware FLUX" in page and "Yes, activate" in page
    db.session.expire_all()
    assert not flux.is_active  # the first POST only asks
    response = client.post(f"{BASE}/bulk", data={"action": "activate", "confirm": "yes",
                                                 "ids": [flux.id, extra.id, mini.id],
                                                 "next": "/admin/ai-models/?active=0"})
    assert response.headers["Location"].endswith("/admin/ai-models/?active=0")
    db.session.expire_all()
    assert flux.is_active and extra.is_active
    assert len(audit_rows(db, action="activate")) == 2  # the already active one is untouched
    assert "Activated 2 models. 1 already active." in text_of(client.get("/admin/ai-models/"))


def test_bulk_deactivation_with_a_global_default_changes_nothing(client, auth, catalogue, db):
    mini, claude, _ = catalogue
    auth.login("admin")
    response = client.post(f"{BASE}/bulk", data={"action": "deactivate",
                                                 "ids": [mini.id, claude.id]})
    page = text_of(response)
    assert "cannot be deactivated while a global setting uses them" in page
    assert "Yes, deactivate" not in page
    assert "will fall back to the global default: Acme Ltd" in page
    response = client.post(f"{BASE}/bulk", data={"action": "deactivate", "confirm": "yes",
                                                 "ids": [mini.id, claude.id]})
    assert response.status_code == 409
    db.session.expire_all()
    assert mini.is_active and claude.is_active and audit_rows(db, action="deactivate") == []


def test_bulk_without_action_or_rows(client, auth, catalogue):
    auth.login("support")
    page = text_of(client.post(f"{BASE}/bulk", data={"action": "activate"}, follow_redirects=True))
    assert "Tick at least one model to run an action on. No models were changed." in page
    page = text_of(client.post(f"{BASE}/bulk", data={"action": "drop", "ids": [1]},
                               follow_redirects=True))
    assert "Choose an action to run on the selected models." in page


def test_bulk_bar_and_checkboxes_on_the_list(client, auth, catalogue):
    auth.login("support")
    html = client.get(BASE + "/").get_data(as_text=True)
    assert '<form id="bulk-form" method="post" action="/admin/ai-models/bulk"' in html
    assert f'name="ids" value="{catalogue[0].id}"\n          form="bulk-form"' in html
    assert '<option value="deactivate">Deactivate selected models</option>' in html


# --- delete ------------------------------------------------------------------------------------

def test_delete_is_refused_with_the_list_of_users(client, auth, catalogue, db):
    mini, claude, _ = catalogue
    auth.login("admin")
    page = text_of(client.get(f"{BASE}/{claude.id}/delete"))
    assert "cannot be deleted while it is used" in page and "Acme Ltd" in page
    assert "or deactivate it instead" in page
    assert "or deactivate it instead" not in text_of(client.get(f"{BASE}/{mini.id}/delete"))
    assert "Yes, delete it" not in page
    response = client.post(f"{BASE}/{mini.id}/delete")
    assert response.status_code == 409
    assert "Cannot delete GPT-4o Mini (gpt-4o-mini): used by global setting OpenAI text model" \
        in text_of(response)
    assert model_count(db) == 3 and audit_rows(db, action="delete") == []


def test_delete_an_unused_model(client, auth, catalogue, db):
    flux = catalogue[2]
    auth.login("admin")
    assert "Yes, delete it" in text_of(client.get(f"{BASE}/{flux.id}/delete"))
    response = client.post(f"{BASE}/{flux.id}/delete", follow_redirects=True)
    assert "Deleted Runware FLUX (flux)." in text_of(response)
    assert model_count(db) == 2
    [entry] = audit_rows(db, action="delete")
    assert entry.changes["price_per_image"] == ["0.0035", None]


@pytest.fixture
def enforced_foreign_keys(db):
    """SQLite checks foreign keys only when asked per connection; ask for this test."""
    def enable(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    if db.engine.dialect.name != "sqlite":
        yield
        return
    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", enable)
    yield
    db.session.remove()
    event.remove(db.engine, "connect", enable)
    db.engine.dispose()


def test_delete_backstop_turns_an_integrity_error_into_a_message(
        enforced_foreign_keys, client, auth, catalogue, db, monkeypatch):
    flux = catalogue[2]
    auth.login("admin")
    # A reference the usage check cannot see (e.g. written by another process just now).
    monkeypatch.setattr("igny8.services.usage.usage_for",
                        lambda ids, account_limit=None: {i: Usage() for i in ids})
    db.session.execute(
        GlobalIntegrationSettings.__table__.update().values(runware_model_id=flux.id))
    db.session.commit()
    response = client.post(f"{BASE}/{flux.id}/delete")
    assert response.status_code == 409
    assert "Cannot delete Runware FLUX (flux): another record still refers to it." in text_of(
        response)
    assert model_count(db) == 3


def test_support_is_told_to_ask_an_admin_and_the_refusal_shows_once(client, auth, catalogue, db):
    mini = catalogue[0]
    auth.login("support")
    page = text_of(client.post(f"{BASE}/{mini.id}/toggle", data={"active": "0"}))
    assert "Only an admin can change them; ask one:" in page
    assert page.count("Cannot deactivate GPT-4o Mini (gpt-4o-mini)") == 1
    bare = TextModelFactory(display_name="Bare", is_active=False, input_price_per_1m=None)
    db.session.commit()
    refused = text_of(client.post(f"{BASE}/{bare.id}/toggle", data={"active": "1"}))
    assert "Ask an admin to add the missing prices." in refused and "add prices</a>" not in refused


def test_an_admin_is_told_to_change_the_settings_themselves(client, auth, catalogue):
    auth.login("admin")
    page = text_of(client.post(f"{BASE}/{catalogue[0].id}/toggle", data={"active": "0"}))
    assert "ask one" not in page and "Change the Global Integration Settings first" in page


def test_refusals_are_reworded_for_support_only():
    from igny8.catalogue.wording import for_viewer
    message = "Cannot activate Bare: an active model needs complete pricing for its type. " \
              "Add the missing prices first."
    assert for_viewer(message, True) == message
    assert for_viewer(message, False).endswith("Ask an admin to add the missing prices.")
    deactivate = "Cannot deactivate A (a): A is the OpenAI text model of the Global Integration" \
                 " Settings; choose another model there before deactivating it."
    assert "ask an admin to choose another model there" in for_viewer(deactivate, False)
