"""Migration 0014: the successor column up and down, on both databases, keeping the rows."""
import flask_migrate
import sqlalchemy as sa

from igny8.extensions import db
from tests.helpers.schema import named_objects_in_database

TABLE = "igny8_ai_model_config"
FK = f"fk_{TABLE}_successor_id_{TABLE}"


def insert_models() -> None:
    """Two text models, the first pointing at the second once the column exists."""
    with db.engine.begin() as conn:
        for name in ("old", "new"):
            conn.execute(sa.text(
                f"INSERT INTO {TABLE} (provider, model_type, model_name, display_name, is_active,"
                " aliases, notes, origin, price_source, created_at, updated_at)"
                " VALUES ('openai', 'text', :name, :name, false, '[]', '', 'manual', '',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"name": name})


def columns() -> set[str]:
    """The catalogue table's columns now."""
    return {column["name"] for column in sa.inspect(db.engine).get_columns(TABLE)}


def test_0014_adds_the_successor_and_downgrade_removes_it(migration_app):
    flask_migrate.upgrade(revision="0013_sessions_session_token")
    insert_models()
    assert "successor_id" not in columns()

    flask_migrate.upgrade(revision="0014_lifecycle_successor")
    assert "successor_id" in columns() and FK in named_objects_in_database(TABLE)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {TABLE} SET successor_id = (SELECT id FROM {TABLE}"
                             " WHERE model_name = 'new') WHERE model_name = 'old'"))
        conn.execute(sa.text(f"DELETE FROM {TABLE} WHERE model_name = 'new'"))
        left = conn.execute(sa.text(f"SELECT model_name, successor_id FROM {TABLE}")).all()
    assert [tuple(row) for row in left] == [("old", None)]  # ON DELETE SET NULL

    flask_migrate.downgrade(revision="0013_sessions_session_token")
    assert "successor_id" not in columns() and FK not in named_objects_in_database(TABLE)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text(f"SELECT model_name FROM {TABLE}")).scalars().all() == ["old"]
    flask_migrate.upgrade()
    assert "successor_id" in columns()
