"""Revision 0018: model names unique per provider ignoring case and space; clashes stop it."""
from __future__ import annotations

from datetime import datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa

from igny8.extensions import db
from tests.helpers.schema import named_objects_in_database, reflect

pytestmark = [
    pytest.mark.migrations,
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
]

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
BEFORE = "0017_usage_model_input"
INDEX = "uq_igny8_ai_model_config_provider_name_key"


def insert_models(*rows: tuple[str, str]) -> None:
    """Insert inactive text models as (provider, model_name), ids from 1."""
    with db.engine.begin() as conn:
        conn.execute(reflect().tables["igny8_ai_model_config"].insert(), [
            {"id": i, "provider": provider, "model_type": "text", "model_name": name,
             "display_name": f"Model {i}", "is_active": False, "aliases": [], "notes": "",
             "origin": "manual", "price_source": "", "created_at": NOW, "updated_at": NOW}
            for i, (provider, name) in enumerate(rows, start=1)])


def models_now() -> list[tuple]:
    """(id, model_name[, model_name_key]) of every model, by id."""
    table = reflect().tables["igny8_ai_model_config"]
    columns = [table.c.id, table.c.model_name] + (
        [table.c.model_name_key] if "model_name_key" in table.c else [])
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.select(*columns).order_by(table.c.id))]


def hand_insert(name: str, key: str) -> None:
    """A raw INSERT of an openai model sending its own key, as a tool outside igny8 would."""
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO igny8_ai_model_config (provider, model_type, model_name, model_name_key,"
            " display_name, is_active, aliases, notes, origin, price_source, created_at,"
            " updated_at, version) VALUES ('openai', 'text', :name, :key, 'Hand', false, '[]',"
            " '', 'manual', '', '2026-11-01', '2026-11-01', 1)"), {"name": name, "key": key})


def test_upgrade_keys_every_name_the_index_refuses_a_case_twin_and_downgrade_drops_it(
        migration_app):
    flask_migrate.upgrade(revision=BEFORE)
    insert_models(("openai", "GPT-4o"), ("anthropic", "gpt-4o"), ("openai", " Mini "))
    flask_migrate.upgrade()
    assert models_now() == [(1, "GPT-4o", "gpt-4o"), (2, "gpt-4o", "gpt-4o"),
                            (3, " Mini ", "mini")]
    assert INDEX in named_objects_in_database("igny8_ai_model_config")
    with pytest.raises(sa.exc.IntegrityError):
        hand_insert("gpt-4O", "gpt-4o")
    flask_migrate.downgrade(revision=BEFORE)
    assert models_now() == [(1, "GPT-4o"), (2, "gpt-4o"), (3, " Mini ")]
    assert INDEX not in named_objects_in_database("igny8_ai_model_config")
    flask_migrate.upgrade()
    assert models_now()[0] == (1, "GPT-4o", "gpt-4o")


def test_upgrade_over_names_differing_only_in_case_stops_naming_them_and_changes_nothing(
        migration_app, capfd):
    flask_migrate.upgrade(revision=BEFORE)
    insert_models(("openai", "GPT-4o"), ("openai", "gpt-4o "), ("openai", "other"))
    with pytest.raises(SystemExit):  # flask db upgrade logs the error and exits 1
        flask_migrate.upgrade()
    message = capfd.readouterr().err
    assert "openai: #1 'GPT-4o', #2 'gpt-4o '" in message
    assert "Nothing was changed" in message and "other" not in message
    assert models_now() == [(1, "GPT-4o"), (2, "gpt-4o "), (3, "other")]
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == BEFORE
