"""The Alembic chain replays the design history on SQLite and PostgreSQL, data included."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from igny8.extensions import db
from igny8.services import usage as usage_service
from tests.helpers.schema import named_objects_in_database, named_objects_in_models, reflect

pytestmark = [
    pytest.mark.migrations,
    # SQLAlchemy cannot reflect SQLite's expression indexes (0010), so autogenerate skips them:
    # named_objects_in_database compares them by name instead.
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based"),
]

LEGACY = "0004_legacy_integration_settings"
# The tables of revisions 0001-0007 (later revisions add others).
HISTORY_TABLES = (
    "igny8_ai_model_config",
    "igny8_global_integration_settings",
    "igny8_accounts",
    "igny8_integration_settings",
)
NOW = datetime(2025, 12, 1, tzinfo=timezone.utc)
TEXT_PRICES = {"input_price_per_1m": Decimal("0.15"), "output_price_per_1m": Decimal("0.60")}
# The design note's catalogue, ids 1..7 in this order.
CATALOGUE = [
    ("openai", "text", "gpt-4o-mini", "GPT-4o Mini", []),
    ("openai", "text", "gpt-3.5-turbo", "GPT-3.5 Turbo", []),
    ("openai", "text", "gpt-4-turbo-2024-04-09", "GPT-4 Turbo", ["gpt-4-turbo-preview"]),
    ("anthropic", "text", "claude-3-5-sonnet-20241022", "Claude 3.5 Sonnet", []),
    ("anthropic", "text", "claude-3-haiku-20240307", "Claude 3 Haiku", []),
    ("runware", "image", "runware-flux-1.1-pro", "Runware FLUX 1.1 Pro", []),
    ("openai", "image", "dall-e-3", "DALL-E 3", []),
]
LEGACY_CONFIGS = [
    {"openai_model": "gpt-4o", "dalle_model": "dall-e-3", "api_key": "sk-a1", "use_cache": True},
    {"openai_model": "gpt-4o-mini", "runware_model": "runware:97@1", "api_key": "sk-a2",
     "flags": {"beta": True}},
    {"openai_model": "gpt-4-turbo-preview", "runware_model": "runware:100@1", "notes": "old"},
    {"openai_model": "gpt-4o", "dalle_model": "gpt-4o-mini"},
    {"api_key": "sk-a5"},
    {"openai_model": "gpt-5.2", "max_tokens": 2048},
    {"openai_model": "", "dalle_model": None, "runware_model": 5, "api_key": "sk-a7"},
]


def catalogue_row(provider, model_type, name, display, aliases) -> dict:
    """A priced, active catalogue row as the seed would make it."""
    prices = TEXT_PRICES if model_type == "text" else {"price_per_image": Decimal("0.04")}
    return {
        "provider": provider, "model_type": model_type, "model_name": name,
        "display_name": display, "is_active": True, "aliases": aliases, "notes": "",
        "origin": "seed", "price_source": "", "created_at": NOW, "updated_at": NOW, **prices,
    }


def fill_legacy_data() -> None:
    """Catalogue 1..7, the legacy global row and accounts with string overrides."""
    tables = reflect().tables
    with db.engine.begin() as conn:
        for row in CATALOGUE:  # one by one: the ids follow the note's order
            conn.execute(tables["igny8_ai_model_config"].insert(), catalogue_row(*row))
        conn.execute(tables["igny8_global_integration_settings"].insert(), {
            "id": 1, "openai_model": "gpt-5.2", "dalle_model": "dall-e-3",
            "runware_model": "runware:97@1", "updated_at": NOW,
        })
        for number, config in enumerate(LEGACY_CONFIGS, start=1):
            conn.execute(tables["igny8_accounts"].insert(), {
                "id": number, "name": f"Account {number}", "created_at": NOW, "updated_at": NOW,
            })
            conn.execute(tables["igny8_integration_settings"].insert(), {
                "account_id": number, "config": config, "updated_at": NOW,
            })


def snapshot() -> dict:
    """Catalogue rows, the global row and every account config, as plain values."""
    tables = reflect().tables
    with db.engine.connect() as conn:
        def rows(name, order):
            """Every row of a table as a dict, in `order`."""
            table = tables[name]
            return [dict(r._mapping) for r in conn.execute(table.select().order_by(order(table)))]
        return {
            "catalogue": rows("igny8_ai_model_config", lambda t: t.c.id),
            "global": rows("igny8_global_integration_settings", lambda t: t.c.id),
            "configs": [row["config"] for row in rows(
                "igny8_integration_settings", lambda t: t.c.account_id)],
        }


def by_name(state: dict, provider: str, model_type: str, name: str) -> dict:
    """The catalogue row of a provider/type/model_name in a snapshot."""
    [row] = [r for r in state["catalogue"] if (r["provider"], r["model_type"], r["model_name"])
             == (provider, model_type, name)]
    return row


def test_empty_database_to_head_matches_the_models(migration_app):
    flask_migrate.upgrade()
    # Autogenerate ignores CHECK constraints and constraint names: compare those by name.
    for table in HISTORY_TABLES:
        assert named_objects_in_database(table) == named_objects_in_models(table), table
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, db.metadata) == []
    state = snapshot()
    assert state == {"catalogue": [], "global": [], "configs": []}

    flask_migrate.downgrade(revision="base")
    assert set(reflect().tables) == {"alembic_version"}


def test_legacy_data_is_converted_and_nothing_is_dropped(migration_app, capsys):
    flask_migrate.upgrade(revision=LEGACY)
    fill_legacy_data()
    flask_migrate.upgrade()
    printed = capsys.readouterr().out
    state = snapshot()

    gpt52 = by_name(state, "openai", "text", "gpt-5.2")
    gpt4o = by_name(state, "openai", "text", "gpt-4o")
    schnell = by_name(state, "runware", "image", "runware-flux-1-schnell")
    mini_image = by_name(state, "openai", "image", "gpt-4o-mini-image")
    assert [r["id"] for r in state["catalogue"]] == list(range(1, 12))
    assert gpt52["id"] == 8
    for row, legacy_aliases, revision in [
        (gpt52, [], "0005"), (gpt4o, [], "0006"),
        (schnell, ["runware:100@1"], "0006"), (mini_image, ["gpt-4o-mini"], "0006"),
    ]:
        assert row["is_active"] is False and row["origin"] == "migration"
        assert row["aliases"] == legacy_aliases and row["display_name"] == row["model_name"]
        assert row["input_price_per_1m"] is None and row["price_per_image"] is None
        assert f"Created by migration {revision}" in row["notes"]

    [settings] = state["global"]
    assert (settings["openai_model_id"], settings["dalle_model_id"],
            settings["runware_model_id"]) == (8, 7, 6)
    assert settings["text_model_id"] == settings["openai_model_id"]
    assert "✓ Mapped openai_model: gpt-5.2 → AIModelConfig ID 8" in printed
    assert "✓ Mapped dalle_model: dall-e-3 → AIModelConfig ID 7" in printed
    assert "✓ Mapped runware_model: runware:97@1 → AIModelConfig ID 6" in printed

    assert state["configs"] == [
        {"openai_model_id": gpt4o["id"], "dalle_model_id": 7, "api_key": "sk-a1",
         "use_cache": True},
        {"openai_model_id": 1, "runware_model_id": 6, "api_key": "sk-a2",
         "flags": {"beta": True}},
        {"openai_model_id": 3, "runware_model_id": schnell["id"], "notes": "old"},
        {"openai_model_id": gpt4o["id"], "dalle_model_id": mini_image["id"]},
        {"api_key": "sk-a5"},
        {"openai_model_id": 8, "max_tokens": 2048},
        LEGACY_CONFIGS[6],  # blank or non-string overrides name no model: left as they are
    ]


def test_downgrade_to_legacy_and_back_is_lossless(migration_app):
    flask_migrate.upgrade(revision=LEGACY)
    fill_legacy_data()
    flask_migrate.upgrade()
    first = snapshot()

    flask_migrate.downgrade(revision=LEGACY)
    legacy = snapshot()
    [settings] = legacy["global"]
    assert (settings["openai_model"], settings["dalle_model"], settings["runware_model"]) == (
        "gpt-5.2", "dall-e-3", "runware-flux-1.1-pro"
    )
    assert legacy["configs"] == [
        {"openai_model": "gpt-4o", "dalle_model": "dall-e-3", "api_key": "sk-a1",
         "use_cache": True},
        {"openai_model": "gpt-4o-mini", "runware_model": "runware-flux-1.1-pro",
         "api_key": "sk-a2", "flags": {"beta": True}},
        {"openai_model": "gpt-4-turbo-2024-04-09", "runware_model": "runware-flux-1-schnell",
         "notes": "old"},
        {"openai_model": "gpt-4o", "dalle_model": "gpt-4o-mini-image"},
        {"api_key": "sk-a5"},
        {"openai_model": "gpt-5.2", "max_tokens": 2048},
        LEGACY_CONFIGS[6],
    ]
    # The catalogue rows stay (later revisions' columns aside), those made by 0005/0006 too.
    assert legacy["catalogue"] == [
        {key: row[key] for key in legacy["catalogue"][0]} for row in first["catalogue"]
    ]

    flask_migrate.upgrade()
    assert snapshot() == first


LONG_NAME = "ft:gpt-4o-mini:acme:" + "x" * 100


def test_blank_global_model_stays_unset_and_long_names_fit(migration_app):
    flask_migrate.upgrade(revision=LEGACY)
    tables = reflect().tables
    with db.engine.begin() as conn:
        conn.execute(tables["igny8_ai_model_config"].insert(), catalogue_row(*CATALOGUE[0]))
        conn.execute(tables["igny8_global_integration_settings"].insert(), {
            "id": 1, "openai_model": " ", "dalle_model": "dall-e-2", "updated_at": NOW,
        })
        conn.execute(tables["igny8_accounts"].insert(), {
            "id": 1, "name": "Account 1", "created_at": NOW, "updated_at": NOW,
        })
        conn.execute(tables["igny8_integration_settings"].insert(), {
            "account_id": 1, "config": {"openai_model": LONG_NAME}, "updated_at": NOW,
        })
    flask_migrate.upgrade()
    state = snapshot()

    [settings] = state["global"]
    dalle2 = by_name(state, "openai", "image", "dall-e-2")
    flux = by_name(state, "runware", "image", "runware-flux-1.1-pro")
    assert settings["openai_model_id"] is None and settings["text_model_id"] is None
    assert (settings["dalle_model_id"], settings["runware_model_id"]) == (dalle2["id"], flux["id"])
    assert flux["aliases"] == ["runware:97@1"] and flux["is_active"] is False
    long = by_name(state, "openai", "text", LONG_NAME[:100])
    assert long["aliases"] == [LONG_NAME] and state["configs"] == [{"openai_model_id": long["id"]}]
    assert len(state["catalogue"]) == 4


OVERRIDE_INDEXES = {f"ix_igny8_integration_settings_{slot}_model_id"
                    for slot in ("openai", "dalle", "runware", "text")}


def override_indexes() -> set[str]:
    """The override-key indexes the settings table has now."""
    table = "igny8_integration_settings"
    return named_objects_in_database(table) & OVERRIDE_INDEXES


def test_0010_indexes_the_override_keys_and_downgrade_drops_them(migration_app):
    flask_migrate.upgrade(revision=LEGACY)
    fill_legacy_data()
    flask_migrate.upgrade()
    assert override_indexes() == OVERRIDE_INDEXES
    before = snapshot()

    flask_migrate.downgrade(revision="0009_api_keys")
    assert override_indexes() == set()
    flask_migrate.upgrade()
    assert override_indexes() == OVERRIDE_INDEXES
    assert snapshot() == before


def test_usage_counts_looks_the_override_keys_up_in_the_0010_indexes(migration_app):
    flask_migrate.upgrade()
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    usage_service.usage_counts([1, 2, 3])
    sa.event.remove(db.engine, "before_cursor_execute", record)
    [(statement, parameters)] = statements
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: show it can
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        plan = " ".join(str(row) for row in conn.exec_driver_sql(explain + statement, parameters))
    assert {name for name in OVERRIDE_INDEXES if name in plan} == OVERRIDE_INDEXES, plan
