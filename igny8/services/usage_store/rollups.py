"""Daily rollups per account x model x UTC day, kept in the same transaction as every ledger
write: a write adds its deltas with one upsert statement over the touched rows
(`col = col + excluded.col`), which concurrent writers serialise on each row without losing an
addition."""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, text
from sqlalchemy.dialects import sqlite

from igny8.extensions import db
from igny8.models.base import PicoUSD
from igny8.models.usage import UsageDaily
from igny8.services.costing import as_utc

SUMMED = ("records", "input_tokens", "cached_input_tokens", "output_tokens", "images", "cost")
RollupKey = tuple[int, int, date]  # account_id, model_id, day


@dataclass
class RollupDelta:
    """What one write adds to one rollup row (a re-costing adds to `cost` only)."""

    records: int = 0
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    max_input_tokens: int = 0
    cost: Decimal = field(default_factory=Decimal)

    def add_record(self, record: Mapping) -> None:
        """Count one new record (a mapping with the count columns and `cost`)."""
        self.records += 1
        for name in ("input_tokens", "cached_input_tokens", "output_tokens", "images"):
            setattr(self, name, getattr(self, name) + int(record.get(name) or 0))
        self.max_input_tokens = max(self.max_input_tokens, int(record.get("input_tokens") or 0))
        self.cost += record["cost"]


def day_of(moment: datetime) -> date:
    """The UTC day a record falls on (naive datetimes are UTC)."""
    return as_utc(moment).date()


def deltas_for_records(records: Iterable[Mapping]) -> dict[RollupKey, RollupDelta]:
    """The rollup deltas of new records (mappings with account_id, model_id, occurred_at...)."""
    deltas: dict[RollupKey, RollupDelta] = {}
    for record in records:
        key = (record["account_id"], record["model_id"], day_of(record["occurred_at"]))
        deltas.setdefault(key, RollupDelta()).add_record(record)
    return deltas


COLUMNS = ("account_id", "model_id", "day", *SUMMED, "max_input_tokens")
# PostgreSQL: every delta in one statement, the rows sent as one JSON parameter (an executemany
# sends one statement per row).
PG_UPSERT = text(
    f"INSERT INTO {UsageDaily.__tablename__} ({', '.join(COLUMNS)}) "
    f"SELECT {', '.join(f'r.{name}' for name in COLUMNS)} "
    "FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r("
    + ", ".join(f"{name} {'date' if name == 'day' else 'bigint'}" for name in COLUMNS)
    + ") ON CONFLICT (account_id, model_id, day) DO UPDATE SET "
    + ", ".join(f"{name} = {UsageDaily.__tablename__}.{name} + EXCLUDED.{name}"
                for name in SUMMED)
    + f", max_input_tokens = GREATEST({UsageDaily.__tablename__}.max_input_tokens, "
      "EXCLUDED.max_input_tokens)")
PICO = PicoUSD()


def _upsert_postgresql(rows: list[dict]) -> None:
    """The rows as JSON (days ISO, costs in pico-dollars) through PG_UPSERT."""
    document = json.dumps([{**row, "day": row["day"].isoformat(),
                            "cost": PICO.process_bind_param(row["cost"], None)} for row in rows])
    db.session.execute(PG_UPSERT, {"rows": document})


def _upsert_sqlite(rows: list[dict]) -> None:
    """SQLite: INSERT ... ON CONFLICT DO UPDATE over the rows."""
    insert = sqlite.insert(UsageDaily)
    table = UsageDaily.__table__
    statement = insert.on_conflict_do_update(
        index_elements=["account_id", "model_id", "day"],
        set_={**{name: table.c[name] + insert.excluded[name] for name in SUMMED},
              "max_input_tokens": func.max(table.c.max_input_tokens,
                                           insert.excluded.max_input_tokens)})
    db.session.execute(statement, rows)


def apply_deltas(deltas: Mapping[RollupKey, RollupDelta]) -> None:
    """Add `deltas` to their rollup rows, creating missing rows, in the caller's transaction.

    Rows are upserted in key order, so two writers touching the same rows take their row locks
    in the same order and cannot deadlock.
    """
    if not deltas:
        return
    rows = [{"account_id": key[0], "model_id": key[1], "day": key[2],
             **{name: getattr(delta, name) for name in (*SUMMED, "max_input_tokens")}}
            for key, delta in sorted(deltas.items())]
    if db.session.get_bind().dialect.name == "postgresql":
        _upsert_postgresql(rows)
    else:
        _upsert_sqlite(rows)
