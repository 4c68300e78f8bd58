"""Bulk-load helpers of the ledger benchmark: drop and rebuild the ledger's secondary indexes and
foreign keys around COPY, build the daily rollups in SQL, check costs, report sizes."""
from __future__ import annotations

from sqlalchemy import select

from igny8 import create_app
from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.models.base import from_pico
from igny8.services.costing import Counts, PriceBook, cost_of

TABLE = "igny8_usage_records"
ROLLUP = """
INSERT INTO igny8_usage_daily (account_id, model_id, day, records, input_tokens,
    cached_input_tokens, output_tokens, images, max_input_tokens, cost)
SELECT account_id, model_id, (occurred_at AT TIME ZONE 'UTC')::date, count(*),
       sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), sum(images),
       max(input_tokens), sum(cost)
FROM igny8_usage_records GROUP BY 1, 2, 3
"""
SAMPLE = """
(SELECT model_id, occurred_at, input_tokens, cached_input_tokens, output_tokens, images, cost,
        price_version_id FROM igny8_usage_records TABLESAMPLE SYSTEM (0.05) LIMIT 4000)
UNION ALL
(SELECT model_id, occurred_at, input_tokens, cached_input_tokens, output_tokens, images, cost,
        price_version_id FROM igny8_usage_records WHERE input_tokens > 200000 LIMIT 1000)
"""


def strip(conn) -> dict[str, list[tuple[str, str]]]:
    """Drop the ledger's unique and foreign-key constraints and plain indexes; their SQL."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')", (TABLE,)).fetchall()
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        (TABLE, TABLE)).fetchall()
    for name, _ in constraints:
        conn.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    return {"constraints": constraints, "indexes": indexes}


def rebuild(conn, saved: dict[str, list[tuple[str, str]]]) -> None:
    """Recreate what `strip` dropped (indexes first, then the constraints they back)."""
    conn.execute("SET maintenance_work_mem = '256MB'")
    for _, definition in saved["indexes"]:
        conn.execute(definition)
    for name, definition in saved["constraints"]:
        conn.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')


def add_rollups(conn) -> None:
    """Build igny8_usage_daily from every record in one statement."""
    conn.execute(ROLLUP)


def check_costs(conn, url: str) -> str:
    """Recompute a sample of records (tier crossings included) with the costing service."""
    rows = conn.execute(SAMPLE).fetchall()
    app = create_app()
    with app.app_context():
        types = dict(db.session.execute(select(AIModelConfig.id, AIModelConfig.model_type)).all())
        book = PriceBook({row[0] for row in rows})
        wrong = 0
        for model_id, at, inputs, cached, outputs, images, cost, version_id in rows:
            version = book.in_force(model_id, at)
            expected = cost_of(version, Counts(inputs, cached, outputs, images), types[model_id])
            wrong += version.id != version_id or expected != from_pico(cost)
        db.session.remove()
        db.engine.dispose()
    totals = conn.execute(
        "SELECT (SELECT sum(cost) FROM igny8_usage_records), (SELECT sum(cost) FROM "
        "igny8_usage_daily), (SELECT count(*) FROM igny8_usage_daily)").fetchone()
    return (f"cost check: {len(rows) - wrong}/{len(rows)} sampled records equal "
            f"costing.cost_of; records total ${from_pico(totals[0])}, rollups total "
            f"${from_pico(totals[1])} ({'equal' if totals[0] == totals[1] else 'DIFFERENT'}); "
            f"{totals[2]:,} rollup rows")


def table_sizes(conn) -> str:
    """Heap and index sizes of the ledger tables."""
    rows = conn.execute(
        "SELECT relname, pg_size_pretty(pg_table_size(oid)), pg_size_pretty(pg_indexes_size(oid))"
        " FROM pg_class WHERE relname IN ('igny8_usage_records', 'igny8_usage_daily')").fetchall()
    return "; ".join(f"{name}: table {table}, indexes {indexes}" for name, table, indexes in rows)
