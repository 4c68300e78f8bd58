"""Resolving many accounts and slots at once: the same answers as one by one, at most three queries
for a thousand accounts, only the models named loaded, each slot's error reported apart."""
import pytest
from sqlalchemy import func, select

from igny8.errors import ResolutionError
from igny8.models import SLOTS, Account, AIModelConfig, IntegrationSettings
from igny8.services.resolution import resolve, resolve_many, resolve_slots
from tests.factories import AccountFactory, GlobalSettingsFactory, TextModelFactory, account_with

pytestmark = pytest.mark.catalogue("resolution")


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


def loaded_model_names(db) -> set[str]:
    """The model names of every AIModelConfig the session holds."""
    return {obj.model_name for obj in db.session.identity_map.values()
            if isinstance(obj, AIModelConfig)}


def test_resolution_loads_only_the_models_it_names(db, catalogue, count_queries):
    TextModelFactory.create_batch(60)
    TextModelFactory(model_name="gpt-4o-2024-08-06", aliases=["gpt-4o-mini-2024"])
    GlobalSettingsFactory(dalle_model_id=catalogue["dalle"].id)
    account = account_with({"openai_model_id": catalogue["gpt4o"].id})
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
    account = account_with({"api_key": "k"})
    resolved = resolve_slots([account], ["openai_model", "dalle_model"])
    assert resolved["openai_model"][account.id].model == catalogue["gpt4o"]
    error = resolved["dalle_model"][account.id]
    assert isinstance(error, ResolutionError)
    assert "no default model is configured for dalle_model" in error.reason
    with pytest.raises(ResolutionError, match="dalle_model"):
        resolve_many([account], "dalle_model")
