"""The cache generation: every write bumps it (services and hand-run SQL alike), a warm page reads
it once whatever the number of accounts, and the regions keep their newest entries."""
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from igny8 import caching
from igny8.cache_generation import generation_table
from igny8.models import SLOTS, Account, AIModelConfig, IntegrationSettings
from igny8.services import account_bulk, account_settings, api_keys
from igny8.services.catalogue import (
    activate_models, create_model, deactivate_models, delete_model, update_model,
)
from igny8.services.global_settings import update_global_settings
from tests.factories import (
    AccountFactory, GlobalSettingsFactory, IntegrationSettingsFactory, TextModelFactory,
)

NOW = "CURRENT_TIMESTAMP"


@pytest.fixture
def data(db):
    """A global default (mini), an unused model (idle), Acme overriding, Bare without settings."""
    mini = TextModelFactory(display_name="GPT-4o Mini", model_name="gpt-4o-mini")
    idle = TextModelFactory(display_name="Idle Model", model_name="idle-model",
                            input_price_per_1m=Decimal("0.5"))
    GlobalSettingsFactory(openai_model_id=mini.id)
    acme = IntegrationSettingsFactory(account=AccountFactory(name="Acme"),
                                      config={"text_model_id": mini.id}).account
    bare = AccountFactory(name="Bare")
    db.session.commit()
    return {"mini": mini, "idle": idle, "acme": acme, "bare": bare}


def committed_generation(db) -> int | None:
    """The generation as another connection sees it (committed state only)."""
    with db.engine.connect() as connection:
        return connection.execute(select(generation_table.c.generation)).scalar()


SERVICE_WRITES = {
    "create model": lambda d: create_model(
        provider="openai", model_type="text", model_name="gpt-4.1", display_name="GPT-4.1",
        is_active=True, input_price_per_1m=Decimal("2"), output_price_per_1m=Decimal("8")),
    "update model": lambda d: update_model(d["idle"], input_price_per_1m=Decimal("0.8")),
    "deactivate model": lambda d: deactivate_models([d["idle"]]),
    "activate model": lambda d: (deactivate_models([d["idle"]]), activate_models([d["idle"]])),
    "delete model": lambda d: delete_model(d["idle"]),
    "global settings": lambda d: update_global_settings(
        {name: None for name in SLOTS} | {"openai_model": d["idle"].id}, expected_version=None),
    "set override": lambda d: account_settings.set_account_override(
        d["bare"].id, "text_model", d["idle"].id),
    "clear override": lambda d: account_settings.clear_account_override(d["acme"].id, "text_model"),
    "bulk override": lambda d: account_bulk.bulk_set_override(
        [d["acme"].id, d["bare"].id], "text_model", d["idle"].id),
}


@pytest.mark.parametrize("write", SERVICE_WRITES.values(), ids=SERVICE_WRITES.keys())
def test_every_service_write_bumps_the_generation(db, data, write):
    before = committed_generation(db)
    assert before is not None
    write(data)
    assert committed_generation(db) not in (None, before)


def test_a_rolled_back_write_leaves_the_generation(db, data):
    before = committed_generation(db)
    data["idle"].notes = "not kept"
    db.session.flush()
    db.session.rollback()
    assert committed_generation(db) == before


def _hand_run(d: dict) -> dict[str, tuple[list[str], str]]:
    """Per case: statements run first (committed), then the statement whose commit is checked."""
    model, account, bare = d["idle"].id, d["acme"].id, d["bare"].id
    return {
        "model insert": ([], "INSERT INTO igny8_ai_model_config (provider, model_type, model_name,"
                             " model_name_key, display_name, is_active, aliases, notes, origin,"
                             " price_source, created_at, updated_at, version) VALUES ('openai',"
                             f" 'text', 'hand', 'hand', 'Hand', false, '[]', '', 'manual', '',"
                             f" {NOW}, {NOW}, 1)"),
        "model update": ([], f"UPDATE igny8_ai_model_config SET notes = 'x' WHERE id = {model}"),
        "model delete": ([], f"DELETE FROM igny8_ai_model_config WHERE id = {model}"),
        "account insert": ([], "INSERT INTO igny8_accounts (name, name_key, created_at,"
                               f" updated_at) VALUES ('Hand', 'hand', {NOW}, {NOW})"),
        "account update": ([], f"UPDATE igny8_accounts SET name = 'Renamed' WHERE id = {bare}"),
        "account delete": ([], f"DELETE FROM igny8_accounts WHERE id = {bare}"),
        "settings insert": ([], "INSERT INTO igny8_integration_settings (account_id, config,"
                                f" updated_at, version) VALUES ({bare}, '{{}}', {NOW}, 1)"),
        "settings update": ([], "UPDATE igny8_integration_settings SET config = '{}'"
                                f" WHERE account_id = {account}"),
        "settings delete": ([], "DELETE FROM igny8_integration_settings"
                                f" WHERE account_id = {account}"),
        "global insert": (["DELETE FROM igny8_global_integration_settings"],
                          "INSERT INTO igny8_global_integration_settings (id, updated_at, version)"
                          f" VALUES (1, {NOW}, 1)"),
        "global update": ([], "UPDATE igny8_global_integration_settings SET openai_model_id ="
                              f" {model}"),
        "global delete": ([], "DELETE FROM igny8_global_integration_settings"),
    }


HAND_RUN_CASES = list(_hand_run({"idle": AIModelConfig(id=0), "acme": Account(id=0),
                                 "bare": Account(id=0)}))


@pytest.mark.parametrize("case", HAND_RUN_CASES)
def test_hand_run_sql_on_a_tracked_table_bumps_the_generation(db, data, case):
    before_sql, statement = _hand_run(data)[case]
    db.session.close()
    with db.engine.begin() as connection:
        for sql in before_sql:
            connection.exec_driver_sql(sql)
    before = committed_generation(db)
    with db.engine.begin() as connection:
        assert connection.exec_driver_sql(statement).rowcount == 1
    assert committed_generation(db) not in (None, before)


def test_emptying_a_table_bumps_the_generation(db, data, backend):
    before = committed_generation(db)
    db.session.close()
    empty = "TRUNCATE" if backend == "postgresql" else "DELETE FROM"  # SQLite has no TRUNCATE
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"{empty} igny8_global_integration_settings")
    assert committed_generation(db) not in (None, before)


def test_hand_run_update_shows_on_the_next_list(app, client, auth, db, data):
    auth.login("admin")
    url, idle = "/admin/ai-models/?per_page=100", data["idle"].id
    with app.app_context():
        assert "Idle Model" in client.get(url).get_data(as_text=True)
    db.session.close()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE igny8_ai_model_config SET display_name = 'Renamed'"
                                   f" WHERE id = {idle}")
    with app.app_context():
        html = client.get(url).get_data(as_text=True)
    assert "Renamed" in html and "Idle Model" not in html


def test_a_transaction_that_wrote_bypasses_the_cache(app, db, data):
    assert caching.current_generation() is not None
    data["idle"].notes = "pending"
    db.session.flush()
    assert caching.current_generation() is None
    db.session.rollback()
    assert caching.current_generation() == committed_generation(db)


def _add_accounts(db, count: int) -> None:
    """`count` more accounts, every second one overriding the text slot, in two statements."""
    first = db.session.scalar(select(Account.id).order_by(Account.id.desc()).limit(1)) or 0
    db.session.execute(insert(Account), [{"name": f"Bulk {first + n}"} for n in range(count)])
    ids = db.session.scalars(select(Account.id).where(Account.id > first)).all()
    model = db.session.scalar(select(AIModelConfig.id).limit(1))
    db.session.execute(insert(IntegrationSettings), [
        {"account_id": i, "config": {"text_model_id": model}} for i in ids[::2]])
    db.session.commit()


def _warm_count(app, client, count_queries, url: str, headers: dict) -> int:
    """Statements of a warm GET of `url` (after one that fills the cache), each in a new
    app context as in production."""
    for _ in range(2):
        with app.app_context(), count_queries() as counter:
            response = client.get(url, headers=headers)
            assert response.status_code == 200
    return counter.count


def test_warm_query_counts_do_not_grow_with_accounts(app, client, auth, db, data, count_queries):
    auth.login("admin")
    _, key = api_keys.create_key("reader", "read", actor="cli")
    pages = [("/admin/ai-models/?per_page=100", {}), ("/admin/settings/global", {}),
             ("/api/v1/models?per_page=100", {"Authorization": f"Bearer {key}"})]
    _add_accounts(db, 8)
    assert db.session.scalar(select(func.count()).select_from(Account)) == 10
    small = [_warm_count(app, client, count_queries, url, h) for url, h in pages]
    _add_accounts(db, 490)
    assert db.session.scalar(select(func.count()).select_from(Account)) == 500
    large = [_warm_count(app, client, count_queries, url, h) for url, h in pages]
    assert small == large == [2, 2, 2]  # user or key, the generation (the global row: cached)


def test_regions_keep_only_the_newest_entries(app, data):
    cache = caching.Region("test", 2)
    built = []
    for name in ("a", "b", "a", "c", "b"):
        value = cache.get_or_build(name, lambda name=name: built.append(name) or f"<p>{name}</p>")
        assert value == f"<p>{name}</p>"
    assert built == ["a", "b", "c", "b"]  # "b" was the oldest when "c" came
    assert len(cache) == 2
