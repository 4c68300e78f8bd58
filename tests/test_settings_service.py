"""Settings services: slot choices, usage counts, audited global/account updates, bulk overrides."""

import pytest
from sqlalchemy import select

from igny8.errors import ConflictError, ValidationFailed
from igny8.models import (
    GLOBAL_SETTINGS_ID,
    SLOTS,
    AuditEntry,
    GlobalIntegrationSettings,
    IntegrationSettings,
)
from igny8.services import account_bulk
from igny8.services import account_settings as accounts
from igny8.services import global_settings as service
from tests.factories import (
    AccountFactory,
    GlobalSettingsFactory,
    ImageModelFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)


def audit_entries(db, object_type):
    """Audit entries of one object type, oldest first."""
    query = select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id)
    return db.session.scalars(query).all()


def names(models):
    """Model names in order."""
    return [model.model_name for model in models]


def test_choices_follow_the_slot_rule(db, catalogue):
    choices = service.active_models_by_slot()
    assert names(choices["openai_model"]) == ["gpt-4o", "gpt-4o-mini"]
    assert names(choices["text_model"]) == ["claude-3-haiku", "gpt-4o", "gpt-4o-mini"]
    assert names(choices["dalle_model"]) == ["dall-e-3"]
    assert names(choices["runware_model"]) == ["runware-flux-1.1-pro"]
    for name, slot in SLOTS.items():
        assert choices[name] == db.session.scalars(slot.choices_query()).all()


@pytest.mark.parametrize("extra", [50, 500])
def test_choices_load_in_one_query(db, count_queries, extra):
    TextModelFactory.create_batch(extra)
    ImageModelFactory.create_batch(3, provider="runware")
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counter:
        choices = service.active_models_by_slot()
    assert counter.count == 1
    assert len(choices["openai_model"]) == extra
    assert len(choices["runware_model"]) == 3


def test_first_save_creates_the_row_and_audits_labels(db, catalogue):
    changes = service.update_global_settings(
        {"openai_model": catalogue["gpt"].id, "dalle_model": catalogue["dalle"].id,
         "runware_model": None, "text_model": catalogue["claude"].id}, None)
    row = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    assert (row.openai_model_id, row.dalle_model_id, row.runware_model_id, row.text_model_id) == (
        catalogue["gpt"].id, catalogue["dalle"].id, None, catalogue["claude"].id)
    [entry] = audit_entries(db, "global_settings")
    assert entry.action == "create" and entry.object_id == "1"
    assert entry.changes == changes == {
        "openai_model": [None, "GPT-4o Mini (gpt-4o-mini)"],
        "dalle_model": [None, "DALL-E 3 (dall-e-3)"],
        "text_model": [None, "Claude 3 Haiku (claude-3-haiku)"],
    }


def test_update_records_before_and_after(db, catalogue):
    row = GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id)
    db.session.commit()
    service.update_global_settings({"openai_model": catalogue["gpt4"].id}, row.version)
    [entry] = audit_entries(db, "global_settings")
    assert entry.action == "update"
    assert entry.changes == {
        "openai_model": ["GPT-4o Mini (gpt-4o-mini)", "GPT-4o (gpt-4o)"]}
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == catalogue["gpt4"].id


@pytest.mark.parametrize("bad", ["old_gpt", "claude", "dalle"])
def test_one_bad_slot_saves_nothing(db, catalogue, bad):
    row = GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id)
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        service.update_global_settings(
            {"openai_model": catalogue[bad].id, "dalle_model": catalogue["dalle"].id},
            row.version)
    assert set(caught.value.fields) == {"openai_model"}
    assert "OpenAI text model: not a valid choice" in caught.value.message
    db.session.rollback()
    row = db.session.get(GlobalIntegrationSettings, 1)
    assert (row.openai_model_id, row.dalle_model_id) == (catalogue["gpt"].id, None)
    assert audit_entries(db, "global_settings") == []


def test_unchanged_inactive_value_may_stay(db, catalogue):
    row = GlobalSettingsFactory(openai_model_id=catalogue["old_gpt"].id)
    db.session.commit()
    changes = service.update_global_settings(
        {"openai_model": catalogue["old_gpt"].id, "dalle_model": catalogue["dalle"].id},
        row.version)
    assert list(changes) == ["dalle_model"]
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == catalogue["old_gpt"].id
    assert service.slot_problem("openai_model", catalogue["old_gpt"]) == "gpt-3.5-turbo is inactive"


def test_stale_version_is_a_conflict(db, catalogue):
    row = GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id)
    db.session.commit()
    stale = row.version
    service.update_global_settings({"openai_model": catalogue["gpt4"].id}, stale)
    with pytest.raises(ConflictError, match="changed by someone else"):
        service.update_global_settings({"openai_model": catalogue["gpt"].id}, stale)
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == catalogue["gpt4"].id
    assert len(audit_entries(db, "global_settings")) == 1


def test_usage_counts_followers_and_overrides(db, catalogue, count_queries):
    AccountFactory.create_batch(2)
    IntegrationSettingsFactory(config={"openai_model_id": catalogue["gpt"].id, "api_key": "k"})
    IntegrationSettingsFactory(config={"openai_model_id": None, "dalle_model_id": 999})
    IntegrationSettingsFactory(config={"text_model_id": catalogue["claude"].id})
    db.session.commit()
    with count_queries() as counter:
        usage = service.slot_usage()
    assert counter.count == 1
    assert usage["openai_model"] == service.SlotUsage(followers=4, overrides=1)
    assert usage["dalle_model"] == service.SlotUsage(followers=4, overrides=1)
    assert usage["runware_model"] == service.SlotUsage(followers=5, overrides=0)
    assert usage["text_model"] == service.SlotUsage(followers=4, overrides=1)


def test_account_override_set_and_clear_keeps_other_keys(db, catalogue):
    settings = IntegrationSettingsFactory(config={"api_key": "secret", "dalle_model_id": 4242})
    db.session.commit()
    account = settings.account
    changes = accounts.update_account_settings(
        account.id, {"openai_model": catalogue["gpt4"].id, "dalle_model": None},
        settings.version)
    assert settings.config == {"api_key": "secret", "openai_model_id": catalogue["gpt4"].id}
    assert changes == {"openai_model": ["global default", "GPT-4o (gpt-4o)"],
                       "dalle_model": ["4242 (no such model)", "global default"]}
    [entry] = audit_entries(db, "account_settings")
    assert (entry.object_id, entry.object_repr) == (str(account.id), account.name)
    accounts.update_account_settings(account.id, {"openai_model": None}, settings.version)
    assert db.session.get(IntegrationSettings, settings.id).config == {"api_key": "secret"}


def test_account_without_settings_gets_a_row(db, catalogue):
    account = AccountFactory()
    db.session.commit()
    accounts.update_account_settings(account.id, {"runware_model": catalogue["flux"].id}, None)
    assert account.integration_settings.config == {"runware_model_id": catalogue["flux"].id}


def test_account_update_refuses_bad_model_and_stale_version(db, catalogue):
    settings = IntegrationSettingsFactory(config={"api_key": "x"})
    db.session.commit()
    with pytest.raises(ValidationFailed):
        accounts.update_account_settings(
            settings.account.id,
            {"text_model": catalogue["gpt"].id, "dalle_model": catalogue["flux"].id},
            settings.version)
    db.session.rollback()
    assert db.session.get(IntegrationSettings, settings.id).config == {"api_key": "x"}
    with pytest.raises(ConflictError):
        accounts.update_account_settings(
            settings.account.id, {"text_model": catalogue["gpt"].id}, settings.version + 1)


def test_account_slots_show_effective_model_and_source(db, catalogue):
    GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id, dalle_model_id=catalogue["dalle"].id)
    settings = IntegrationSettingsFactory(config={
        "openai_model_id": catalogue["gpt4"].id, "dalle_model_id": 4242,
        "runware_model_id": catalogue["old_flux"].id})
    db.session.commit()
    rows = {row.name: row for row in accounts.account_slots(settings.account)}
    assert (rows["openai_model"].resolution.model, rows["openai_model"].resolution.source) == (
        catalogue["gpt4"], "account")
    assert rows["dalle_model"].resolution.source == "global"
    assert "points at no existing model" in rows["dalle_model"].warnings[0]
    assert rows["runware_model"].override_model == catalogue["old_flux"]
    assert any("inactive" in warning for warning in rows["runware_model"].warnings)
    assert rows["text_model"].resolution.source == "default"
    assert rows["text_model"].resolution.model == catalogue["gpt"]


def test_bulk_override_sets_and_clears_in_one_commit(db, catalogue):
    first = IntegrationSettingsFactory(config={"api_key": "a"}).account
    second = AccountFactory()
    third = IntegrationSettingsFactory(config={"dalle_model_id": catalogue["dalle"].id}).account
    db.session.commit()
    ids = [first.id, second.id, third.id]
    assert account_bulk.bulk_set_override(ids, "dalle_model", catalogue["dalle"].id) == 2
    dalle_id = catalogue["dalle"].id
    assert first.integration_settings.config == {"api_key": "a", "dalle_model_id": dalle_id}
    assert second.integration_settings.config == {"dalle_model_id": catalogue["dalle"].id}
    assert len(audit_entries(db, "account_settings")) == 2
    assert account_bulk.bulk_set_override(ids, "dalle_model", None) == 3
    assert first.integration_settings.config == {"api_key": "a"}
    with pytest.raises(ValidationFailed, match="Unknown accounts: 999"):
        account_bulk.load_accounts([first.id, 999])
    with pytest.raises(ValidationFailed, match="not a valid choice"):
        account_bulk.bulk_set_override(ids, "dalle_model", catalogue["flux"].id)
