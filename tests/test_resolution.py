"""Model resolution: account override, then global setting, then configured default."""
import logging

import pytest
from sqlalchemy import func, select

from igny8.errors import ResolutionError, ValidationFailed
from igny8.models import SLOTS, Account, AIModelConfig, IntegrationSettings
from igny8.models.audit import AuditEntry
from igny8.services.account_settings import clear_account_override, set_account_override
from igny8.services.resolution import (
    Resolution,
    get_image_model,
    get_openai_model,
    get_text_model,
    resolve,
    resolve_many,
    resolve_slots,
)
from tests.factories import (
    AccountFactory,
    GlobalSettingsFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)


pytestmark = pytest.mark.catalogue("resolution")


def account_with(config, db):
    """An account whose integration settings hold `config`, committed."""
    settings = IntegrationSettingsFactory(config=config)
    db.session.commit()
    return settings.account


def test_account_override_wins(db, catalogue):
    GlobalSettingsFactory(openai_model_id=catalogue["mini"].id)
    account = account_with({"openai_model_id": catalogue["gpt4o"].id, "api_key": "k"}, db)
    assert resolve(account, "openai_model") == Resolution(
        "openai_model", catalogue["gpt4o"], "account", ()
    )


@pytest.mark.parametrize("config", [None, {}, {"api_key": "k"}, {"openai_model_id": None}])
def test_global_setting_when_account_has_no_override(db, catalogue, config):
    GlobalSettingsFactory(openai_model_id=catalogue["gpt4o"].id)
    account = AccountFactory() if config is None else account_with(config, db)
    db.session.commit()
    result = resolve(account, "openai_model")
    assert (result.model.model_name, result.source, result.warnings) == ("gpt-4o", "global", ())


def test_default_by_model_name_when_nothing_is_set(db, catalogue):
    account = AccountFactory()
    db.session.commit()
    result = resolve(account, "openai_model")
    assert result == Resolution("openai_model", catalogue["mini"], "default", ())


def test_default_matched_by_alias(db, app, catalogue, monkeypatch):
    catalogue["gpt4o"].aliases = ["gpt-4o-2024-08-06"]
    db.session.commit()
    monkeypatch.setitem(app.config, "IGNY8_DEFAULT_MODELS", {"openai_model": "gpt-4o-2024-08-06"})
    result = resolve(AccountFactory(), "openai_model")
    assert (result.model.model_name, result.source) == ("gpt-4o", "default")


def test_default_prefers_an_active_alias_to_an_inactive_name(db, catalogue):
    catalogue["mini"].is_active = False
    catalogue["gpt4o"].aliases = ["gpt-4o-mini"]
    db.session.commit()
    result = resolve(AccountFactory(), "openai_model")
    assert (result.model.model_name, result.source, result.warnings) == ("gpt-4o", "default", ())


def test_default_alias_only_within_the_slot_provider(db, app, catalogue, monkeypatch):
    catalogue["claude"].aliases = ["house-text"]
    db.session.commit()
    monkeypatch.setitem(app.config, "IGNY8_DEFAULT_MODELS", {"openai_model": "house-text"})
    with pytest.raises(ResolutionError) as caught:
        resolve(AccountFactory(), "openai_model")
    assert "default model 'house-text' skipped: no openai text model has that name or alias" in (
        caught.value.reason
    )


def skip_reason_cases(catalogue):
    """(override/global id, the reason the warning must give) for each kind of unusable model."""
    return {
        "missing": (987654, "the model does not exist"),
        "inactive": (catalogue["old"].id, "gpt-3.5-turbo is inactive"),
        "wrong provider": (
            catalogue["claude"].id,
            "claude-3-5-sonnet is an anthropic text model, not openai text",
        ),
        "wrong type": (catalogue["dalle"].id, "dall-e-3 is an openai image model, not openai text"),
    }


@pytest.mark.parametrize("case", ["missing", "inactive", "wrong provider", "wrong type"])
def test_unusable_override_falls_back_to_global_with_warning(db, catalogue, case):
    model_id, reason = skip_reason_cases(catalogue)[case]
    GlobalSettingsFactory(openai_model_id=catalogue["gpt4o"].id)
    account = account_with({"openai_model_id": model_id}, db)
    result = resolve(account, "openai_model")
    assert (result.model.model_name, result.source) == ("gpt-4o", "global")
    assert result.warnings == (
        f"account {account.id} override openai_model_id={model_id} skipped: {reason}",
    )


@pytest.mark.parametrize("case", ["inactive", "wrong provider", "wrong type"])
def test_unusable_global_falls_back_to_default_with_warning(db, catalogue, case):
    model_id, reason = skip_reason_cases(catalogue)[case]
    GlobalSettingsFactory(openai_model_id=model_id)
    account = AccountFactory()
    db.session.commit()
    result = resolve(account, "openai_model")
    assert (result.model.model_name, result.source) == ("gpt-4o-mini", "default")
    assert result.warnings == (f"global setting openai_model_id={model_id} skipped: {reason}",)


@pytest.mark.parametrize("value", ["abc", "gpt-4o-mini", "7", 3.0, True, -4, [1], {"id": 1}])
def test_garbage_override_value_is_a_warning(db, catalogue, value):
    account = account_with({"openai_model_id": value}, db)
    result = resolve(account, "openai_model")
    assert (result.model.model_name, result.source) == ("gpt-4o-mini", "default")
    assert result.warnings == (
        f"account {account.id} override openai_model_id={value!r} skipped:"
        " not a model id (a positive integer)",
    )


def test_every_level_failing_raises_with_each_reason(db, app, catalogue, monkeypatch):
    catalogue["mini"].is_active = False
    GlobalSettingsFactory(openai_model_id=catalogue["dalle"].id)
    account = account_with({"openai_model_id": "abc"}, db)
    with pytest.raises(ResolutionError) as caught:
        resolve(account, "openai_model")
    error = caught.value
    assert error.slot == "openai_model"
    assert error.reason == (
        f"account {account.id} override openai_model_id='abc' skipped: not a model id"
        " (a positive integer); global setting openai_model_id="
        f"{catalogue['dalle'].id} skipped: dall-e-3 is an openai image model, not openai text;"
        " default model 'gpt-4o-mini' skipped: gpt-4o-mini is inactive"
    )
    assert str(error).startswith("No model for slot openai_model: account ")
    assert error.fields == {"openai_model": error.reason}


def test_nothing_configured_names_each_empty_level(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "IGNY8_DEFAULT_MODELS", {})
    account = AccountFactory()
    db.session.commit()
    with pytest.raises(ResolutionError) as caught:
        resolve(account, "runware_model")
    assert caught.value.reason == (
        f"account {account.id} has no runware_model_id override;"
        " global settings row 1 does not exist;"
        " no default model is configured for runware_model"
    )


def test_unset_global_column_is_reported(db, catalogue, app, monkeypatch):
    monkeypatch.setitem(app.config, "IGNY8_DEFAULT_MODELS", {})
    GlobalSettingsFactory()
    with pytest.raises(ResolutionError, match="global setting dalle_model_id is not set"):
        resolve(AccountFactory(), "dalle_model")


def test_unknown_slot_is_named(db):
    with pytest.raises(KeyError, match="unknown model slot 'gemini_model'"):
        resolve(AccountFactory(), "gemini_model")
    with pytest.raises(KeyError, match="gemini_model"):
        resolve_many([], "gemini_model")


def test_text_model_accepts_anthropic(db, catalogue):
    GlobalSettingsFactory(text_model_id=catalogue["claude"].id)
    overridden = account_with({"text_model_id": catalogue["claude"].id}, db)
    plain = AccountFactory()
    db.session.commit()
    assert resolve(overridden, "text_model").source == "account"
    assert resolve(plain, "text_model").source == "global"
    assert get_text_model(plain).model_name == "claude-3-5-sonnet"
    openai = resolve(account_with({"openai_model_id": catalogue["claude"].id}, db), "openai_model")
    assert (openai.model.model_name, openai.source) == ("gpt-4o-mini", "default")


def test_convenience_functions_return_models(db, catalogue):
    account = account_with({"runware_model_id": catalogue["flux"].id}, db)
    assert get_openai_model(account) == catalogue["mini"]
    assert get_text_model(account) == catalogue["mini"]
    assert get_image_model(account, "openai") == catalogue["dalle"]
    assert get_image_model(account, "runware") == catalogue["flux"]
    with pytest.raises(ValueError, match="unknown image provider 'midjourney'"):
        get_image_model(account, "midjourney")


def test_convenience_functions_log_skipped_candidates(db, catalogue, caplog):
    account = account_with({"openai_model_id": catalogue["old"].id}, db)
    with caplog.at_level(logging.WARNING, logger="igny8.services.resolution"):
        assert get_openai_model(account) == catalogue["mini"]
    assert caplog.messages == [
        f"account {account.id} override openai_model_id={catalogue['old'].id}"
        " skipped: gpt-3.5-turbo is inactive"
    ]


def stored_config(db, account_id):
    """The config as the database holds it (None when the account has no settings row)."""
    db.session.expire_all()
    query = select(IntegrationSettings.config).where(IntegrationSettings.account_id == account_id)
    return db.session.scalar(query)


def test_set_override_creates_settings(db, catalogue):
    account = AccountFactory()
    db.session.commit()
    set_account_override(account.id, "dalle_model", catalogue["dalle"].id)
    assert stored_config(db, account.id) == {"dalle_model_id": catalogue["dalle"].id}
    assert resolve(account, "dalle_model").source == "account"


def test_set_override_keeps_other_keys(db, catalogue):
    account = account_with({"api_key": "k", "openai_model_id": catalogue["mini"].id}, db)
    set_account_override(account.id, "openai_model", catalogue["gpt4o"].id)
    assert stored_config(db, account.id) == {
        "api_key": "k",
        "openai_model_id": catalogue["gpt4o"].id,
    }


@pytest.mark.parametrize(
    "pick, message",
    [
        (lambda c: 987654, "model 987654 does not exist"),
        (lambda c: c["old"].id, "gpt-3.5-turbo is inactive"),
        (lambda c: c["claude"].id, "claude-3-5-sonnet is an anthropic text model, not openai text"),
        (lambda c: c["dalle"].id, "dall-e-3 is an openai image model, not openai text"),
        (lambda c: "abc", "'abc' is not a model id"),
        (lambda c: None, "None is not a model id"),
    ],
)
def test_set_override_rejects_bad_ids_and_writes_nothing(db, catalogue, pick, message):
    kept = account_with({"api_key": "k"}, db)
    bare = AccountFactory()
    db.session.commit()
    for account in (kept, bare):
        with pytest.raises(ValidationFailed) as caught:
            set_account_override(account.id, "openai_model", pick(catalogue))
        assert caught.value.fields == {"openai_model_id": message}
        assert caught.value.message == f"Cannot set OpenAI text model: {message}"
    db.session.rollback()
    assert stored_config(db, kept.id) == {"api_key": "k"}
    assert db.session.scalar(select(func.count()).select_from(IntegrationSettings)) == 1


def test_clear_override_keeps_other_keys(db, catalogue):
    config = {"api_key": "k", "openai_model_id": catalogue["gpt4o"].id, "text_model_id": 3}
    account = account_with(config, db)
    assert clear_account_override(account.id, "openai_model") is True
    assert stored_config(db, account.id) == {"api_key": "k", "text_model_id": 3}
    assert resolve(account, "openai_model").source == "default"
    assert clear_account_override(account.id, "openai_model") is False
    assert clear_account_override(AccountFactory().id, "openai_model") is False


def mixed_population(db, catalogue, size):
    """`size` accounts cycling through: no settings, valid, missing, inactive, garbage, none set."""
    configs = [
        None,
        {"openai_model_id": catalogue["gpt4o"].id},
        {"openai_model_id": 987654},
        {"openai_model_id": catalogue["old"].id},
        {"openai_model_id": "gpt-4o"},
        {"api_key": "k"},
    ]
    accounts = AccountFactory.build_batch(size)
    db.session.add_all(accounts)
    db.session.flush()
    rows = [
        IntegrationSettings(account_id=account.id, config=configs[i % len(configs)])
        for i, account in enumerate(accounts)
        if configs[i % len(configs)] is not None
    ]
    db.session.add_all(rows)
    db.session.commit()
    return accounts


def test_resolve_many_equals_resolve(db, catalogue):
    GlobalSettingsFactory(openai_model_id=catalogue["old"].id)
    accounts = mixed_population(db, catalogue, 12)
    many = resolve_many(accounts, "openai_model")
    db.session.expire_all()
    single = {account.id: resolve(account, "openai_model") for account in accounts}
    assert many == single
    sources = [many[account.id].source for account in accounts[:6]]
    assert sources == ["default", "account", "default", "default", "default", "default"]
    assert [len(many[account.id].warnings) for account in accounts[:6]] == [1, 0, 2, 2, 2, 1]


def test_resolve_many_runs_three_queries_for_a_thousand_accounts(db, catalogue, count_queries):
    GlobalSettingsFactory(openai_model_id=catalogue["mini"].id)
    accounts = mixed_population(db, catalogue, 1000)  # committed, so every account is expired
    with count_queries() as counter:
        result = resolve_many(accounts, "openai_model")
    assert counter.count <= 3
    assert len(result) == 1000
    assert sum(r.source == "account" for r in result.values()) == 167
    with count_queries() as counter:
        again = resolve_many(accounts, "openai_model")
    assert again == result
    assert counter.count <= 2  # the settings are in memory now


def test_resolve_many_of_no_accounts_is_empty(db, count_queries):
    with count_queries() as counter:
        assert resolve_many([], "openai_model") == {}
    assert counter.count == 0
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0


def test_override_changes_are_recorded_in_the_history(db, catalogue):
    account = account_with({"api_key": "k"}, db)
    set_account_override(account.id, "openai_model", catalogue["gpt4o"].id)
    clear_account_override(account.id, "openai_model")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.object_type, e.object_id, list(e.changes)) for e in entries] == [
        ("account_settings", str(account.id), ["openai_model"]),
        ("account_settings", str(account.id), ["openai_model"]),
    ]
    assert entries[1].changes["openai_model"][1] == "global default"


def loaded_model_names(db) -> set[str]:
    """The model names of every AIModelConfig the session holds."""
    return {obj.model_name for obj in db.session.identity_map.values()
            if isinstance(obj, AIModelConfig)}


def test_resolution_loads_only_the_models_it_names(db, catalogue, count_queries):
    TextModelFactory.create_batch(60)
    TextModelFactory(model_name="gpt-4o-2024-08-06", aliases=["gpt-4o-mini-2024"])
    GlobalSettingsFactory(dalle_model_id=catalogue["dalle"].id)
    account = account_with({"openai_model_id": catalogue["gpt4o"].id}, db)
    db.session.expunge_all()
    with count_queries() as counter:
        resolved = resolve_slots([db.session.get(Account, account.id)], SLOTS)
    assert counter.count == 4  # the account, its settings, the global row, the models
    sources = {name: (by_id[account.id].model.model_name, by_id[account.id].source)
               for name, by_id in resolved.items()}
    assert sources == {"openai_model": ("gpt-4o", "account"),
                       "dalle_model": ("dall-e-3", "global"),
                       "runware_model": ("runware-flux-1.1-pro", "default"),
                       "text_model": ("gpt-4o-mini", "default")}
    assert loaded_model_names(db) == {"gpt-4o", "dall-e-3", "runware-flux-1.1-pro",
                                      "gpt-4o-mini"}


@pytest.mark.parametrize("name", ['gpt "quoted"', "modèle-maison", "back\\slash", "50%_off"])
def test_default_alias_with_characters_json_escapes(db, app, catalogue, monkeypatch, name):
    catalogue["gpt4o"].aliases = ["other", name]
    db.session.commit()
    monkeypatch.setitem(app.config, "IGNY8_DEFAULT_MODELS", {"openai_model": name})
    result = resolve(AccountFactory(), "openai_model")
    assert (result.model.model_name, result.source) == ("gpt-4o", "default")


def test_resolve_slots_reports_each_slot_error_and_resolve_many_raises(
        db, app, catalogue, monkeypatch):
    monkeypatch.setitem(app.config, "IGNY8_DEFAULT_MODELS", {"openai_model": "gpt-4o"})
    account = account_with({"api_key": "k"}, db)
    resolved = resolve_slots([account], ["openai_model", "dalle_model"])
    assert resolved["openai_model"][account.id].model == catalogue["gpt4o"]
    error = resolved["dalle_model"][account.id]
    assert isinstance(error, ResolutionError)
    assert "no default model is configured for dalle_model" in error.reason
    with pytest.raises(ResolutionError, match="dalle_model"):
        resolve_many([account], "dalle_model")
