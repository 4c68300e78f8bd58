"""The cache generation: one row that database triggers bump on every write to the cached tables.

`igny8_cache_generation` holds one row (id 1). A trigger on each tracked table bumps its
`generation` in the same transaction as the write, whoever writes (the services, a migration, a
hand-run SQL statement), so a reader sees a new generation exactly when it can see the new data.
PostgreSQL: one statement-level trigger per table (INSERT, UPDATE, DELETE and TRUNCATE);
SQLite has only row-level triggers, three per table. Both the migration
(`0011_caching_generation`) and `db.create_all()` (the test suite) create them from the SQL
below. When the row is missing (a TRUNCATE or DELETE of the table itself) the next bump
recreates it at a random starting point, so a recreated row never repeats a generation an
earlier one had: a key cached before cannot be mistaken for the new data's.
"""
from __future__ import annotations

from functools import cache

from datetime import datetime

from sqlalchemy import (
    BigInteger, Column, Connection, DateTime, Integer, Select, Table, column, event, func, select,
    table,
)
from sqlalchemy.orm import Session

from igny8.extensions import db

TABLE = "igny8_cache_generation"
# The tables migration 0011 put triggers on; 0015 added the price versions.
TABLES_0011 = (
    "igny8_ai_model_config",
    "igny8_global_integration_settings",
    "igny8_accounts",
    "igny8_integration_settings",
)
TRACKED_TABLES = (*TABLES_0011, "igny8_model_price_versions")
FUNCTION = "igny8_bump_cache_generation"
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")

generation_table = Table(
    TABLE, db.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", BigInteger, nullable=False),
)

_START = {  # a random starting point below 2**62
    "postgresql": "floor(random() * 4611686018427387904)::bigint",
    "sqlite": "abs(random() % 4611686018427387904)",
}


def _bump(dialect: str) -> str:
    """The statement that bumps the generation, creating the row when it is missing."""
    return (f"INSERT INTO {TABLE} (id, generation) VALUES (1, {_START[dialect]}) "
            f"ON CONFLICT (id) DO UPDATE SET generation = {TABLE}.generation + 1")


def _trigger_name(table: str, event_name: str = "") -> str:
    """`igny8_ai_model_config_cache_generation[_insert]`."""
    return f"{table}_cache_generation" + (f"_{event_name.lower()}" if event_name else "")


def create_sql(dialect: str, tables=TRACKED_TABLES) -> list[str]:
    """The statements creating the bump function (PostgreSQL) and the triggers on `tables`."""
    if dialect == "postgresql":
        function = (f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger "
                    f"LANGUAGE plpgsql AS $$ BEGIN {_bump(dialect)}; RETURN NULL; END $$")
        return [function, *(
            f"CREATE OR REPLACE TRIGGER {_trigger_name(t)} AFTER INSERT OR UPDATE OR DELETE "
            f"OR TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            for t in tables)]
    return [f"CREATE TRIGGER IF NOT EXISTS {_trigger_name(t, e)} AFTER {e} ON {t} "
            f"FOR EACH ROW BEGIN {_bump(dialect)}; END" for t in tables for e in SQLITE_EVENTS]


def drop_sql(dialect: str, tables=TRACKED_TABLES) -> list[str]:
    """The statements dropping what `create_sql` creates."""
    if dialect == "postgresql":
        return [*(f"DROP TRIGGER IF EXISTS {_trigger_name(t)} ON {t}" for t in tables),
                f"DROP FUNCTION IF EXISTS {FUNCTION}()"]
    return [f"DROP TRIGGER IF EXISTS {_trigger_name(t, e)}"
            for t in tables for e in SQLITE_EVENTS]


def first_row_sql(dialect: str) -> str:
    """The statement creating the row (at a random starting point) when it is missing."""
    return (f"INSERT INTO {TABLE} (id, generation) VALUES (1, {_START[dialect]}) "
            "ON CONFLICT DO NOTHING")


def install(connection: Connection, tables=TRACKED_TABLES) -> None:
    """Create the triggers on `tables` and the row (used by the migration and create_all)."""
    dialect = connection.dialect.name
    for statement in [*create_sql(dialect, tables), first_row_sql(dialect)]:
        connection.exec_driver_sql(statement)


@event.listens_for(db.metadata, "after_create")
def _install_on_create_all(target, connection: Connection, **kw) -> None:
    """`db.create_all()` creates the triggers too, on the tracked tables it created."""
    created = {table.name for table in kw.get("tables") or target.sorted_tables}
    if TABLE in created:
        install(connection, [name for name in TRACKED_TABLES if name in created])


@event.listens_for(db.metadata, "before_drop")
def _uninstall_on_drop_all(target, connection: Connection, **kw) -> None:
    """`db.drop_all()` drops the function PostgreSQL keeps apart from the tables."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(drop_sql("postgresql")[-1] + " CASCADE")


@cache
def _read_query() -> Select:
    """Built once: the row's generation by primary key."""
    return select(generation_table.c.generation).where(generation_table.c.id == 1)


def read_generation(session: Session) -> int | None:
    """The current generation (one primary-key read); None while the row does not exist."""
    return session.execute(_read_query()).scalar()


# The price versions, by name (the model lives in igny8/models/prices.py, a layer above).
_versions = table("igny8_model_price_versions", column("effective_from", DateTime(timezone=True)))


def read_state(session: Session, now: datetime) -> tuple[int | None, datetime | None]:
    """The generation and, in the same statement, the next price version's effective_from
    after `now` (services/price_schedule.py promotes it when due without a query of its own)."""
    due = (select(func.min(_versions.c.effective_from))
           .where(_versions.c.effective_from > now).scalar_subquery())
    row = session.execute(select(generation_table.c.generation, due.label("due"))
                          .select_from(generation_table).where(generation_table.c.id == 1)).first()
    return (None, None) if row is None else (row.generation, row.due)
