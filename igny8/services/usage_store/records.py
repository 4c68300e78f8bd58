"""Raw usage records: the batch insert that skips request ids already stored (and rolls up
only what it inserted, in the same transaction), and look-ups by request id.

The insert is one `INSERT ... ON CONFLICT (request_id) DO NOTHING RETURNING request_id, id`
over the whole batch (SQLAlchemy sends it as multi-row VALUES), without an ORM object per
record. Concurrent batches sharing a request id cannot both insert it: the unique index makes
the second wait for the first to commit, then skip the row, so a record is stored, and rolled
up, once. Rows go in request-id order, so two batches sharing several ids wait on them in the
same order and cannot deadlock.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from igny8.extensions import db
from igny8.models.base import utcnow
from igny8.models.usage import COUNTS, UsageRecord
from igny8.services.usage_store.rollups import apply_deltas, deltas_for_records

# What a client sends about a request: a re-send is a duplicate when these are equal.
SENT_COLUMNS = ("request_id", "account_id", "model_id", "slot", "occurred_at", *COUNTS)
# What ingest stores: the sent values and the cost at the price version in force.
STORED_COLUMNS = (*SENT_COLUMNS, "cost", "price_version_id")
READ_COLUMNS = ("id", *STORED_COLUMNS, "created_at", "recost_run_id")


def _insert_skipping_stored():
    """The batch INSERT of this backend that skips stored request ids and returns the others."""
    table = UsageRecord.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return (insert.on_conflict_do_nothing(index_elements=["request_id"])
            .returning(table.c.request_id, table.c.id))


def insert_new(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Insert the rows whose request id is not stored yet; {request_id: id} of those inserted.

    `rows` carry STORED_COLUMNS (occurred_at in UTC, cost a Decimal); they share one
    created_at.
    """
    if not rows:
        return {}
    created_at = utcnow()
    params = [{**{name: row[name] for name in STORED_COLUMNS}, "created_at": created_at}
              for row in sorted(rows, key=lambda row: row["request_id"])]
    return dict(db.session.execute(_insert_skipping_stored(), params).all())


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
