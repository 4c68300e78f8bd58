"""Migration 0015: one price version per priced model, the ledger tables, and a clean downgrade,
on both databases; 0014 and 0015 keep the catalogue table's cache triggers on SQLite; 0019: a
usage record's price version is one of its own model's."""
from datetime import datetime, timezone
from decimal import Decimal

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from igny8 import cache_generation
from igny8.extensions import db

MODELS = "igny8_ai_model_config"
VERSIONS = "igny8_model_price_versions"
BEFORE_0019 = "0018_model_name_key"
AFTER_0019 = "0019_usage_version_key"
LEDGER_RECORDS = "igny8_usage_records"
AT = datetime(2026, 11, 3, 12, tzinfo=timezone.utc)
LEDGER = ("igny8_usage_records", "igny8_usage_daily", "igny8_recost_runs", VERSIONS)


def insert_model(name: str, model_type: str, **prices) -> None:
    """A catalogue row as 0014 knows it, with the given prices."""
    columns = ", ".join(prices)
    values = ", ".join(f":{column}" for column in prices)
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            f"INSERT INTO {MODELS} (provider, model_type, model_name, display_name, is_active,"
            " aliases, notes, origin, price_source, price_checked_on, created_at, updated_at"
            f"{', ' + columns if prices else ''}) VALUES ('openai', :type, :name, :name, false,"
            " '[]', '', 'manual', 'https://openai.com/api/pricing', '2026-11-20',"
            f" CURRENT_TIMESTAMP, CURRENT_TIMESTAMP{', ' + values if prices else ''})"),
            {"name": name, "type": model_type, **prices})


def money(value) -> Decimal | None:
    """A price as read back raw (SQLite: a float, PostgreSQL: a Decimal) as a Decimal."""
    return None if value is None else Decimal(str(value))


def tables() -> set[str]:
    """The database's tables now."""
    return set(sa.inspect(db.engine).get_table_names())


def versions() -> list[tuple]:
    """(model name, effective_from, input, output, image, source, checked_on, created_by)."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            f"SELECT m.model_name, v.effective_from, v.input_price_per_1m, v.output_price_per_1m,"
            f" v.price_per_image, v.source, v.checked_on, v.created_by FROM {VERSIONS} v"
            f" JOIN {MODELS} m ON m.id = v.model_id ORDER BY m.model_name")).all()
    return [tuple(row) for row in rows]


def catalogue_triggers() -> int:
    """How many cache triggers the catalogue table has (SQLite: one per event)."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            query = ("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                     f" AND tbl_name = '{MODELS}'")
        else:
            query = ("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
                     f" AND tgrelid = '{MODELS}'::regclass")
        return conn.execute(sa.text(query)).scalar()


def test_0015_gives_each_priced_model_one_version_and_downgrades_cleanly(migration_app):
    flask_migrate.upgrade(revision="0014_lifecycle_successor")
    insert_model("gpt-4o-mini", "text", input_price_per_1m="0.15", output_price_per_1m="0.6")
    insert_model("dall-e-3", "image", price_per_image="0.04")
    insert_model("unpriced", "text")

    flask_migrate.upgrade(revision="0015_prices_usage")
    assert set(LEDGER) <= tables()
    found = versions()
    assert [row[0] for row in found] == ["dall-e-3", "gpt-4o-mini"]  # unpriced: no version
    dalle, mini = found
    start = datetime(1970, 1, 1, tzinfo=timezone.utc)
    effective = mini[1] if isinstance(mini[1], datetime) else datetime.fromisoformat(mini[1])
    assert effective.replace(tzinfo=timezone.utc) == start  # SQLite: naive text
    assert (money(mini[2]), money(mini[3]), mini[4]) == (Decimal("0.15"), Decimal("0.6"), None)
    assert money(dalle[4]) == Decimal("0.04")
    assert {row[5] for row in found} == {"https://openai.com/api/pricing"}
    assert {str(row[6]) for row in found} == {"2026-11-20"}
    assert {row[7] for row in found} == {"migration"}

    flask_migrate.downgrade(revision="0014_lifecycle_successor")
    assert not set(LEDGER) & tables()
    assert "archived_at" not in {c["name"] for c in sa.inspect(db.engine).get_columns(
        "igny8_accounts")}
    with db.engine.connect() as conn:
        kept = conn.execute(sa.text(f"SELECT model_name, input_price_per_1m FROM {MODELS}"
                                    " ORDER BY model_name")).all()
    assert [(name, money(price)) for name, price in kept] == [
        ("dall-e-3", None), ("gpt-4o-mini", Decimal("0.15")), ("unpriced", None)]
    flask_migrate.upgrade()
    assert len(versions()) == 2


def test_the_catalogue_table_keeps_its_cache_triggers_through_0014_and_0015(migration_app):
    flask_migrate.upgrade(revision="0014_lifecycle_successor")
    expected = len(cache_generation.create_sql(db.engine.dialect.name, (MODELS,)))
    if db.engine.dialect.name == "postgresql":
        expected -= 1  # the function, not a trigger
    assert catalogue_triggers() == expected
    flask_migrate.upgrade()
    assert catalogue_triggers() == expected
    flask_migrate.downgrade(revision="0013_sessions_session_token")
    assert catalogue_triggers() == expected


def _one(sql: str, **params):
    """The first column of the first row of a query."""
    with db.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def _execute(sql: str, **params) -> None:
    """Run one statement in its own transaction."""
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _ledger() -> tuple[int, int, int, int]:
    """Two priced models (one version each, by 0015) and an account: (model a, version a,
    model b, version b)."""
    _execute("INSERT INTO igny8_accounts (name, name_key, version, created_at, updated_at)"
             " VALUES ('Acme', 'acme', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    ids = []
    for name in ("model-a", "model-b"):
        model = _one("SELECT id FROM igny8_ai_model_config WHERE model_name = :n", n=name)
        version = _one("SELECT id FROM igny8_model_price_versions WHERE model_id = :m", m=model)
        ids += [model, version]
    return tuple(ids)


def _record(request_id: str, model_id: int, version_id: int) -> None:
    """A usage record of the account on `model_id` costed at `version_id`."""
    _execute(
        f"INSERT INTO {LEDGER_RECORDS} (request_id, account_id, model_id, occurred_at,"
        " input_tokens, cached_input_tokens, output_tokens, images, cost, price_version_id,"
        " created_at)"
        " VALUES (:r, (SELECT min(id) FROM igny8_accounts), :m, :at, 1000, 0, 10, 0, 1, :v, :at)",
        r=request_id, m=model_id, v=version_id, at=AT)


def _migrated_to_0018() -> tuple[int, int, int, int]:
    """The database at 0018 holding two priced models and an account."""
    flask_migrate.upgrade(revision="0014_lifecycle_successor")
    insert_model("model-a", "text", input_price_per_1m="0.15", output_price_per_1m="0.6")
    insert_model("model-b", "text", input_price_per_1m="1", output_price_per_1m="2")
    flask_migrate.upgrade(revision=BEFORE_0019)
    return _ledger()


def test_0019_keeps_the_records_refuses_another_models_version_and_downgrades(migration_app):
    model_a, version_a, model_b, version_b = _migrated_to_0018()
    _record("kept", model_a, version_a)

    flask_migrate.upgrade(revision=AFTER_0019)

    assert _one(f"SELECT count(*) FROM {LEDGER_RECORDS} WHERE request_id = 'kept'") == 1
    with pytest.raises(IntegrityError):
        _record("foreign", model_a, version_b)
    assert _one(f"SELECT count(*) FROM {LEDGER_RECORDS}") == 1
    indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes(LEDGER_RECORDS)}
    assert "ix_igny8_usage_records_price_version" not in indexes
    if db.engine.dialect.name == "postgresql":
        options = _one(f"SELECT reloptions::text FROM pg_class WHERE relname = '{LEDGER_RECORDS}'")
        assert options == "{fillfactor=90}"

    flask_migrate.downgrade(revision=BEFORE_0019)

    assert _one(f"SELECT count(*) FROM {LEDGER_RECORDS}") == 1
    indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes(LEDGER_RECORDS)}
    assert "ix_igny8_usage_records_price_version" in indexes
    _record("allowed-before", model_b, version_a)  # the old key checked the version alone
    assert _one(f"SELECT count(*) FROM {LEDGER_RECORDS}") == 2


def test_0019_stops_on_a_record_costed_at_another_models_version(migration_app, capfd):
    model_a, _version_a, _model_b, version_b = _migrated_to_0018()
    _record("mismatched", model_a, version_b)

    with pytest.raises(SystemExit):  # Flask-Migrate logs the error, then exits non-zero
        flask_migrate.upgrade(revision=AFTER_0019)

    refusal = "0019: 1 usage records point at a price version of another model"
    assert refusal in capfd.readouterr().err

    assert _one(f"SELECT count(*) FROM {LEDGER_RECORDS} WHERE request_id = 'mismatched'") == 1
    assert "uq_igny8_model_price_versions_model_id" not in {
        index["name"] for index in sa.inspect(db.engine).get_indexes(
            "igny8_model_price_versions")}
