"""Revision 0016: account names cleaned and made unique by their key; the downgrade drops it."""
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
BEFORE = "0015_prices_usage"
NAMES = ["Acme", "  ACME ", "\uff21cme", "Blue  Fern", "   ", "Copper"]


def accounts_now() -> list[tuple]:
    """(id, name, name_key) of every account, by id."""
    with db.engine.connect() as conn:
        table = reflect().tables["igny8_accounts"]
        columns = [table.c.id, table.c.name] + (
            [table.c.name_key] if "name_key" in table.c else [])
        return [tuple(row) for row in conn.execute(sa.select(*columns).order_by(table.c.id))]


def test_upgrade_cleans_names_makes_clashes_unique_and_downgrade_drops_the_key(migration_app):
    flask_migrate.upgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        conn.execute(reflect().tables["igny8_accounts"].insert(), [
            {"id": i, "name": name, "created_at": NOW, "updated_at": NOW}
            for i, name in enumerate(NAMES, start=1)])
    flask_migrate.upgrade()
    assert accounts_now() == [
        (1, "Acme", "acme"), (2, "ACME (#2)", "acme (#2)"), (3, "Acme (#3)", "acme (#3)"),
        (4, "Blue Fern", "blue fern"), (5, "Account #5", "account #5"), (6, "Copper", "copper")]
    assert "uq_igny8_accounts_name_key" in named_objects_in_database("igny8_accounts")
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO igny8_accounts (name, name_key, created_at, updated_at)"
                             " VALUES ('acme', 'acme', '2026-11-01', '2026-11-01')"))
    flask_migrate.downgrade(revision=BEFORE)
    assert accounts_now()[:2] == [(1, "Acme"), (2, "ACME (#2)")]
    assert "uq_igny8_accounts_name_key" not in named_objects_in_database("igny8_accounts")
    flask_migrate.upgrade()
    assert accounts_now()[1] == (2, "ACME (#2)", "acme (#2)")
