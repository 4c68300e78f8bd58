"""Raw usage records: the batch insert that skips request ids already stored (and rolls up
only what it inserted, in the same transaction), and look-ups by request id.

The insert is one `INSERT ... ON CONFLICT (request_id) DO NOTHING RETURNING request_id, id`
over the whole batch, without an ORM object per record (PostgreSQL: the rows as one JSON
parameter; SQLite: multi-row VALUES). Concurrent batches sharing a request id cannot both
insert it: the unique index makes the second wait for the first to commit, then skip the row,
so a record is stored, and rolled up, once. Rows go in request-id order, so two batches
sharing several ids wait on them in the same order and cannot deadlock.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects import sqlite

from igny8.extensions import db
from igny8.models.base import PicoUSD, utcnow
from igny8.models.usage import COUNTS, UsageRecord
from igny8.services.usage_store.rollups import apply_deltas, deltas_for_records

# What a client sends about a request: a re-send is a duplicate when these are equal.
SENT_COLUMNS = ("request_id", "account_id", "model_id", "slot", "occurred_at", *COUNTS)
# What ingest stores: the sent values and the cost at the price version in force.
STORED_COLUMNS = (*SENT_COLUMNS, "cost", "price_version_id")
READ_COLUMNS = ("id", *STORED_COLUMNS, "created_at", "recost_run_id")


# PostgreSQL's fast path: the batch as one JSON array of rows (one parameter whatever its size;
# a multi-row VALUES of 1,000 rows has 12,000, which psycopg took longer to send than the
# database took to run), read back into typed rows by jsonb_to_recordset.
PG_TYPES = {"request_id": "text", "account_id": "bigint", "model_id": "bigint", "slot": "text",
            "occurred_at": "timestamptz", "input_tokens": "bigint",
            "cached_input_tokens": "bigint", "output_tokens": "bigint", "images": "bigint",
            "cost": "bigint", "price_version_id": "bigint"}
PG_INSERT = text(
    f"INSERT INTO {UsageRecord.__tablename__} ({', '.join(STORED_COLUMNS)}, created_at) "
    f"SELECT {', '.join(f'r.{name}' for name in STORED_COLUMNS)}, "
    "CAST(:created_at AS timestamptz) FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r("
    + ", ".join(f"{name} {PG_TYPES[name]}" for name in STORED_COLUMNS)
    + ") ON CONFLICT (request_id) DO NOTHING RETURNING request_id, id")
PICO = PicoUSD()


def _insert_sqlite(rows: Sequence[Mapping[str, Any]], created_at) -> dict[str, int]:
    """SQLite: one INSERT ... ON CONFLICT DO NOTHING RETURNING, sent as multi-row VALUES."""
    table = UsageRecord.__table__
    statement = (sqlite.insert(table).on_conflict_do_nothing(index_elements=["request_id"])
                 .returning(table.c.request_id, table.c.id))
    params = [{**{name: row[name] for name in STORED_COLUMNS}, "created_at": created_at}
              for row in rows]
    return dict(db.session.execute(statement, params).all())


def _json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as JSON values: the time as ISO 8601, the cost as pico-dollars."""
    return {**{name: row[name] for name in STORED_COLUMNS},
            "occurred_at": row["occurred_at"].isoformat(),
            "cost": PICO.process_bind_param(row["cost"], None)}


def _insert_postgresql(rows: Sequence[Mapping[str, Any]], created_at) -> dict[str, int]:
    """PostgreSQL: the same statement over the rows sent as one JSON array."""
    document = json.dumps([_json_row(row) for row in rows], ensure_ascii=False)
    return dict(db.session.execute(PG_INSERT, {"rows": document,
                                               "created_at": created_at}).all())


def insert_new(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Insert the rows whose request id is not stored yet; {request_id: id} of those inserted.

    `rows` carry STORED_COLUMNS (occurred_at in UTC, cost a Decimal); they share one
    created_at and go in request-id order.
    """
    if not rows:
        return {}
    ordered = sorted(rows, key=lambda row: row["request_id"])
    insert = (_insert_postgresql if db.session.get_bind().dialect.name == "postgresql"
              else _insert_sqlite)
    return insert(ordered, utcnow())


def store(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Insert the new rows and add them to the daily rollups; {request_id: id} inserted."""
    inserted = insert_new(rows)
    apply_deltas(deltas_for_records(row for row in rows if row["request_id"] in inserted))
    return inserted


def by_request_ids(request_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored records with these request ids, as column -> value, by request id."""
    wanted = sorted(set(request_ids))
    if not wanted:
        return {}
    table = UsageRecord.__table__
    query = select(*(table.c[name] for name in READ_COLUMNS)).where(
        table.c.request_id.in_(wanted))
    return {row["request_id"]: dict(row) for row in db.session.execute(query).mappings()}


def get_by_request_id(request_id: str) -> dict[str, Any] | None:
    """The stored record with this request id (column -> value), or None."""
    return by_request_ids([request_id]).get(request_id)
