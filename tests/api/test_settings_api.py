"""/api/v1/settings/global and /api/v1/accounts/{id}/integration-settings."""
import pytest
from sqlalchemy import select

from igny8.errors import ValidationFailed
from igny8.models import AuditEntry, GlobalIntegrationSettings, IntegrationSettings
from igny8.services import account_settings, global_settings
from tests.helpers.api import error_of
from tests.helpers.rows import commit
from tests.factories import (
    AccountFactory,
    GlobalSettingsFactory,
    ImageModelFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)

SLOTS = ("openai_model", "dalle_model", "runware_model", "text_model")


@pytest.fixture
def models(make_catalogue):
    """One model of every kind the slots need, plus an inactive and an Anthropic one."""
    return make_catalogue("api_settings")


def history(db, object_type):
    """The audit entries of one object type."""
    query = select(AuditEntry).where(AuditEntry.object_type == object_type)
    return db.session.scalars(query.order_by(AuditEntry.id)).all()


def test_global_settings_unset_are_null(api):
    body = api.get("/api/v1/settings/global").get_json()
    for slot in SLOTS:
        assert body[slot] is None and body[f"{slot}_details"] is None


def test_global_settings_give_ids_and_details(api, models):
    GlobalSettingsFactory(openai_model=models["mini"], dalle_model=models["dalle"])
    commit()
    body = api.get("/api/v1/settings/global").get_json()
    assert body["openai_model"] == models["mini"].id
    assert body["openai_model_details"] == {
        "id": models["mini"].id, "model_name": "gpt-4o-mini", "display_name": "GPT-4o Mini",
        "provider": "openai", "model_type": "text", "is_active": True,
        "label": "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens", "state": "active",
    }
    assert body["dalle_model_details"]["model_name"] == "dall-e-3"
    assert body["runware_model"] is None and body["runware_model_details"] is None


def test_patch_global_settings_by_id_is_recorded(api, db, models):
    response = api.patch("/api/v1/settings/global", {
        "openai_model": models["mini"].id, "runware_model": models["flux"].id,
        "text_model": models["claude"].id,
    })
    assert response.status_code == 200
    body = response.get_json()
    assert body["runware_model_details"]["model_name"] == "runware-flux-1.1-pro"
    assert body["text_model_details"]["provider"] == "anthropic"
    row = db.session.get(GlobalIntegrationSettings, 1)
    assert (row.openai_model_id, row.runware_model_id) == (models["mini"].id, models["flux"].id)
    [entry] = history(db, "global_settings")
    assert entry.actor_label == "api-key:integration"
    assert entry.changes["openai_model"] == [None, "GPT-4o Mini (gpt-4o-mini)"]


@pytest.mark.parametrize("slot,model,reason", [
    ("openai_model", None, "does not exist"),
    ("openai_model", "old", "inactive"),
    ("openai_model", "claude", "anthropic text model"),
    ("openai_model", "dalle", "image model"),
    ("dalle_model", "flux", "runware image model"),
    ("runware_model", "mini", "text model"),
    ("text_model", "dalle", "image"),
])
def test_patch_global_refuses_a_wrong_id_naming_the_field_and_writes_nothing(
    api, db, models, slot, model, reason
):
    GlobalSettingsFactory(openai_model=models["gpt4"])
    commit()
    model_id = models[model].id if model else 987654
    response = api.patch("/api/v1/settings/global",
                         {"dalle_model": models["dalle"].id, slot: model_id})
    assert response.status_code == 422
    error = error_of(response)
    assert set(error["fields"]) == {slot} and reason in error["fields"][slot]
    db.session.expire_all()
    row = db.session.get(GlobalIntegrationSettings, 1)
    assert (row.openai_model_id, row.dalle_model_id) == (models["gpt4"].id, None)
    assert history(db, "global_settings") == []


@pytest.mark.parametrize("path, call", [
    ("/api/v1/settings/global",
     lambda account_id, ids: global_settings.update_global_settings(ids, None)),
    ("/api/v1/accounts/{account_id}/integration-settings",
     lambda account_id, ids: account_settings.update_account_settings(account_id, ids, None)),
])
def test_an_unknown_id_gets_the_same_refusal_from_the_api_and_the_service(api, db, models, path,
                                                                          call):
    account_id = AccountFactory(name="Doors").id
    commit()
    response = api.patch(path.format(account_id=account_id), {"dalle_model": 987654})
    with pytest.raises(ValidationFailed) as refused:
        call(account_id, {"dalle_model": 987654})
    error = error_of(response)
    assert response.status_code == 422 and error["message"] == refused.value.message
    assert error["fields"] == refused.value.fields == {
        "dalle_model": "DALL-E image model: model 987654 does not exist"}


@pytest.mark.parametrize("body,field", [
    ({"openai_model": "1"}, "openai_model"),
    ({"openai_model": 1.5}, "openai_model"),
    ({"openai_model": True}, "openai_model"),
    ({"openai_model": 0}, "openai_model"),
    ({"openai_model_details": {}}, "openai_model_details"),
    ({"claude_model": 1}, "claude_model"),
])
def test_patch_global_wrong_types_and_unknown_fields_are_422(api, models, body, field):
    response = api.patch("/api/v1/settings/global", body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_patch_global_null_clears_a_slot_and_stale_version_is_409(api, db, models):
    GlobalSettingsFactory(openai_model=models["mini"], dalle_model=models["dalle"])
    commit()
    cleared = api.patch("/api/v1/settings/global", {"dalle_model": None, "version": 1})
    assert cleared.status_code == 200 and cleared.get_json()["dalle_model"] is None
    stale = api.patch("/api/v1/settings/global", {"openai_model": models["gpt4"].id, "version": 1})
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == models["mini"].id


def test_account_settings_404(api):
    response = api.get("/api/v1/accounts/4040/integration-settings")
    assert response.status_code == 404
    assert error_of(response)["message"] == "There is no account with id 4040."
    assert api.patch("/api/v1/accounts/4040/integration-settings", {}).status_code == 404


def test_account_settings_show_overrides_and_the_source_of_each_slot(app, api, models):
    GlobalSettingsFactory(openai_model=models["mini"], dalle_model=models["dalle"])
    settings = IntegrationSettingsFactory(
        account__name="Acme", config={"openai_model_id": models["gpt4"].id,
                                      "runware_model_id": 99999, "api_key": "kept"})
    commit()
    assert app.config["IGNY8_DEFAULT_MODELS"]["runware_model"] == "runware-flux-1.1-pro"
    body = api.get(f"/api/v1/accounts/{settings.account_id}/integration-settings").get_json()
    assert body["account_name"] == "Acme"
    assert body["overrides"] == {"openai_model": models["gpt4"].id, "dalle_model": None,
                                 "runware_model": 99999, "text_model": None}
    effective = body["effective"]
    assert (effective["openai_model"]["source"], effective["openai_model"]["model"]["id"]) == (
        "account", models["gpt4"].id)
    assert effective["dalle_model"]["source"] == "global"
    assert effective["runware_model"]["source"] == "default"
    assert any("99999" in warning for warning in effective["runware_model"]["warnings"])
    assert any("99999" in warning for warning in body["warnings"])


def test_account_settings_report_a_slot_that_resolves_to_nothing(api, db):
    account = AccountFactory(name="Bare")
    commit()
    body = api.get(f"/api/v1/accounts/{account.id}/integration-settings").get_json()
    assert body["effective"]["dalle_model"]["model"] is None
    assert body["effective"]["dalle_model"]["source"] is None
    assert body["effective"]["dalle_model"]["warnings"]


def test_patch_account_sets_and_clears_overrides_keeping_other_keys(api, db, models):
    settings = IntegrationSettingsFactory(config={"dalle_model_id": models["dalle"].id,
                                                  "api_key": "kept"})
    commit()
    url = f"/api/v1/accounts/{settings.account_id}/integration-settings"
    response = api.patch(url, {"openai_model": models["gpt4"].id, "dalle_model": None})
    assert response.status_code == 200
    body = response.get_json()
    assert body["overrides"]["openai_model"] == models["gpt4"].id
    assert body["overrides"]["dalle_model"] is None
    assert body["effective"]["openai_model"]["source"] == "account"
    db.session.expire_all()
    stored = db.session.get(IntegrationSettings, settings.id).config
    assert stored == {"openai_model_id": models["gpt4"].id, "api_key": "kept"}
    [entry] = history(db, "account_settings")
    assert entry.actor_label == "api-key:integration"
    assert set(entry.changes) == {"openai_model", "dalle_model"}


def test_patch_account_creates_settings_for_an_account_without_any(api, db, models):
    account = AccountFactory()
    commit()
    url = f"/api/v1/accounts/{account.id}/integration-settings"
    assert api.patch(url, {"text_model": models["claude"].id}).status_code == 200
    db.session.expire_all()
    row = db.session.scalar(select(IntegrationSettings).where(
        IntegrationSettings.account_id == account.id))
    assert row.config == {"text_model_id": models["claude"].id}


@pytest.mark.parametrize("body,field", [
    ({"openai_model": "inactive"}, "openai_model"),
    ({"openai_model": "claude"}, "openai_model"),
    ({"dalle_model": 31337}, "dalle_model"),
    ({"dalle_model": "abc"}, "dalle_model"),
    ({"nickname": "x"}, "nickname"),
])
def test_patch_account_refuses_bad_ids_and_writes_nothing(api, db, models, body, field):
    settings = IntegrationSettingsFactory(config={"openai_model_id": models["mini"].id})
    commit()
    named = {"inactive": models["old"].id, "claude": models["claude"].id}
    sent = {k: named.get(v, v) for k, v in body.items()}
    sent = {**sent, "text_model": models["claude"].id}
    response = api.patch(f"/api/v1/accounts/{settings.account_id}/integration-settings", sent)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    db.session.expire_all()
    assert db.session.get(IntegrationSettings, settings.id).config == {
        "openai_model_id": models["mini"].id}
    assert history(db, "account_settings") == []


def test_patch_account_with_a_stale_version_is_409(api, db, models):
    settings = IntegrationSettingsFactory(config={})
    commit()
    url = f"/api/v1/accounts/{settings.account_id}/integration-settings"
    assert api.patch(url, {"openai_model": models["mini"].id, "version": 1}).status_code == 200
    response = api.patch(url, {"openai_model": models["gpt4"].id, "version": 1})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(IntegrationSettings, settings.id).config == {
        "openai_model_id": models["mini"].id}


def test_reads_take_the_same_number_of_queries_for_a_small_or_large_catalogue(
    api, db, models, count_queries
):
    GlobalSettingsFactory(openai_model=models["mini"], dalle_model=models["dalle"],
                          runware_model=models["flux"], text_model=models["claude"])
    settings = IntegrationSettingsFactory(config={"openai_model_id": models["gpt4"].id,
                                                  "text_model_id": models["claude"].id})
    commit()
    urls = ("/api/v1/settings/global",
            f"/api/v1/accounts/{settings.account_id}/integration-settings")

    def measure() -> list[int]:
        counts = []
        for url in urls:
            api.get(url)  # stamps the key's last use first
            with count_queries() as counter:
                assert api.get(url).status_code == 200
            counts.append(counter.count)
        return counts

    few = measure()
    TextModelFactory.create_batch(80)
    ImageModelFactory.create_batch(20, provider="runware")
    commit()
    assert measure() == few
    # the generation with the next price due, key, account, settings, global row, the models
    assert few[1] <= 7
