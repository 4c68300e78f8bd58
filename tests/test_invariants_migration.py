"""Migration 0012: catalogue ids are never reused on SQLite, every row and reference kept."""
from __future__ import annotations

from datetime import datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa

from igny8 import create_app
from igny8 import config as igny8_config
from igny8.extensions import db

pytestmark = [
    pytest.mark.migrations,
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
]
BEFORE, AFTER = "0011_caching_generation", "0012_invariants_catalogue_ids"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
CATALOGUE = "igny8_ai_model_config"


@pytest.fixture
def migration_app(backend, fresh_database_url):
    """An app on an empty database of the backend, its context pushed."""
    app = create_app(igny8_config.TestingConfig(fresh_database_url(backend)))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def tables() -> dict[str, sa.Table]:
    """The tables as the database has them now."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    return metadata.tables


def add_model(conn, name: str) -> int:
    """Insert an inactive text model; its id."""
    row = {"provider": "openai", "model_type": "text", "model_name": name, "display_name": name,
           "is_active": False, "aliases": [], "notes": "", "origin": "manual",
           "price_source": "", "created_at": NOW, "updated_at": NOW}
    return conn.execute(tables()[CATALOGUE].insert().returning(sa.column("id")), row).scalar_one()


def catalogue_rows() -> list[tuple]:
    """(id, model_name) of every catalogue row, and the global row's slot."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT id, model_name FROM {CATALOGUE} ORDER BY id")).all()
        slot = conn.execute(sa.text(
            "SELECT openai_model_id FROM igny8_global_integration_settings")).scalar()
    return [tuple(row) for row in rows] + [("global", slot)]


def test_0012_keeps_rows_and_never_reuses_a_deleted_id(migration_app):
    flask_migrate.upgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        ids = [add_model(conn, name) for name in ("first", "second", "third")]
        conn.execute(sa.text("INSERT INTO igny8_global_integration_settings (id, openai_model_id,"
                             " updated_at) VALUES (1, :id, :now)"), {"id": ids[0], "now": NOW})
    before = catalogue_rows()
    flask_migrate.upgrade(revision=AFTER)
    assert catalogue_rows() == before
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"DELETE FROM {CATALOGUE} WHERE id = :id"), {"id": ids[2]})
        assert add_model(conn, "newcomer") == ids[2] + 1
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            triggers = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                (CATALOGUE,)).scalar()
        assert triggers == 3  # the cache generation's insert, update and delete triggers
    flask_migrate.downgrade(revision=BEFORE)
    assert catalogue_rows() == [*before[:2], (ids[2] + 1, "newcomer"), before[3]]
