"""Model resolution, level by level: account override, then global setting, then configured default;
the warning or error for each candidate skipped."""
import logging

import pytest
from igny8.errors import ResolutionError
from igny8.services.resolution import (
    Resolution,
    get_image_model,
    get_openai_model,
    get_text_model,
    resolve,
    resolve_many,
)
from tests.factories import AccountFactory, GlobalSettingsFactory, account_with

pytestmark = pytest.mark.catalogue("resolution")


def test_account_override_wins(db, catalogue):
    GlobalSettingsFactory(openai_model_id=catalogue["mini"].id)
    account = account_with({"openai_model_id": catalogue["gpt4o"].id, "api_key": "k"})
    assert resolve(account, "openai_model") == Resolution(
        "openai_model", catalogue["gpt4o"], "account", ()
    )


@pytest.mark.parametrize("config", [None, {}, {"api_key": "k"}, {"openai_model_id": None}])
def test_global_setting_when_account_has_no_override(db, catalogue, config):
    GlobalSettingsFactory(openai_model_id=catalogue["gpt4o"].id)
    account = AccountFactory() if config is None else account_with(config)
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
    account = account_with({"openai_model_id": model_id})
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
    account = account_with({"openai_model_id": value})
    result = resolve(account, "openai_model")
    assert (result.model.model_name, result.source) == ("gpt-4o-mini", "default")
    assert result.warnings == (
        f"account {account.id} override openai_model_id={value!r} skipped:"
        " not a model id (a positive integer)",
    )


def test_every_level_failing_raises_with_each_reason(db, app, catalogue, monkeypatch):
    catalogue["mini"].is_active = False
    GlobalSettingsFactory(openai_model_id=catalogue["dalle"].id)
    account = account_with({"openai_model_id": "abc"})
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
    overridden = account_with({"text_model_id": catalogue["claude"].id})
    plain = AccountFactory()
    db.session.commit()
    assert resolve(overridden, "text_model").source == "account"
    assert resolve(plain, "text_model").source == "global"
    assert get_text_model(plain).model_name == "claude-3-5-sonnet"
    openai = resolve(account_with({"openai_model_id": catalogue["claude"].id}), "openai_model")
    assert (openai.model.model_name, openai.source) == ("gpt-4o-mini", "default")


def test_convenience_functions_return_models(db, catalogue):
    account = account_with({"runware_model_id": catalogue["flux"].id})
    assert get_openai_model(account) == catalogue["mini"]
    assert get_text_model(account) == catalogue["mini"]
    assert get_image_model(account, "openai") == catalogue["dalle"]
    assert get_image_model(account, "runware") == catalogue["flux"]
    with pytest.raises(ValueError, match="unknown image provider 'midjourney'"):
        get_image_model(account, "midjourney")


def test_convenience_functions_log_skipped_candidates(db, catalogue, caplog):
    account = account_with({"openai_model_id": catalogue["old"].id})
    with caplog.at_level(logging.WARNING, logger="igny8.services.resolution"):
        assert get_openai_model(account) == catalogue["mini"]
    assert caplog.messages == [
        f"account {account.id} override openai_model_id={catalogue['old'].id}"
        " skipped: gpt-3.5-turbo is inactive"
    ]
