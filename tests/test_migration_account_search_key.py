"""Revision 0020: accounts get an accent-free search key, filled from their names; the downgrade
drops it."""
from __future__ import annotations

from datetime import datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa

from igny8.extensions import db
from tests.helpers.schema import reflect

pytestmark = [
    pytest.mark.migrations,
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
]

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
BEFORE = "0019_usage_version_key"
NAMES = {1: ("Société Générale", "societe generale"), 2: ("ÅNGSTRÖM Labs", "angstrom labs"),
         3: ("Plain", "plain")}


def search_keys() -> dict[int, str | None]:
    """Account id → stored search key, or None when the column is gone."""
    table = reflect().tables["igny8_accounts"]
    if "search_key" not in table.c:
        return {}
    with db.engine.connect() as conn:
        return dict(conn.execute(sa.select(table.c.id, table.c.search_key)).all())


def test_upgrade_fills_the_search_key_and_downgrade_drops_it(migration_app):
    flask_migrate.upgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        conn.execute(reflect().tables["igny8_accounts"].insert(), [
            {"id": i, "name": name, "name_key": name.casefold(), "created_at": NOW,
             "updated_at": NOW} for i, (name, _key) in NAMES.items()])
    flask_migrate.upgrade()
    assert search_keys() == {i: key for i, (_name, key) in NAMES.items()}
    flask_migrate.downgrade(revision=BEFORE)
    assert "search_key" not in reflect().tables["igny8_accounts"].c
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM igny8_accounts")).scalar() == 3
    flask_migrate.upgrade()
    assert search_keys()[1] == "societe generale"
