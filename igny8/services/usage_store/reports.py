"""Reads of the ledger for reports: sums from the daily rollups, pages of raw records.

Sums never scan raw records: they group `igny8_usage_daily` (one row per account x model x
UTC day). Record pages read `igny8_usage_records` newest first by keyset (occurred_at, id), so
a page costs one index range scan whatever its depth.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, and_, func, or_, select, true

from igny8.extensions import db
from igny8.models.base import from_pico
from igny8.models.usage import UsageDaily, UsageRecord

COUNTS = ("records", "input_tokens", "cached_input_tokens", "output_tokens", "images")
GROUPS = {"model": UsageDaily.model_id, "account": UsageDaily.account_id, "day": UsageDaily.day}


@dataclass(frozen=True)
class Scope:
    """Which usage a report covers: one account and/or one model when given; the rollups'
    whole UTC days `first_day`..`last_day` (inclusive); the records from `starts_at` (inclusive)
    to `ends_before` (exclusive), UTC instants within those days."""

    first_day: date
    last_day: date
    starts_at: datetime
    ends_before: datetime
    account_id: int | None = None
    model_id: int | None = None


@dataclass(frozen=True)
class Sums:
    """The summed counts and cost of a group (a model, an account, a day or everything)."""

    key: int | date | None
    records: int = 0
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    cost: Decimal = Decimal(0)


def _summed_columns() -> list:
    """SUM of each count and of the cost (pico-dollars, exact on both databases)."""
    columns = [func.coalesce(func.sum(getattr(UsageDaily, name)), 0) for name in COUNTS]
    return columns + [func.coalesce(_pico_sum(), 0)]


def _pico_sum():
    """SUM(cost) as the raw pico-dollar integer (not through the column's Decimal type)."""
    return func.sum(UsageDaily.__table__.c.cost, type_=BigInteger)


def _daily_where(scope: Scope) -> list:
    """The rollup rows a scope covers."""
    clauses = [UsageDaily.day >= scope.first_day, UsageDaily.day <= scope.last_day]
    if scope.account_id is not None:
        clauses.append(UsageDaily.account_id == scope.account_id)
    if scope.model_id is not None:
        clauses.append(UsageDaily.model_id == scope.model_id)
    return clauses


def _sums(key, row) -> Sums:
    """A result row (counts..., cost in pico-dollars) as Sums."""
    *counts, cost = row
    return Sums(key, *(int(count) for count in counts), from_pico(cost))


def grouped_sums(scope: Scope, group: str) -> list[Sums]:
    """One query: the sums per model, account or day (GROUPS), ordered by cost, then key;
    days are ordered by day."""
    key = GROUPS[group]
    cost = _pico_sum()
    order = (key,) if group == "day" else (cost.desc(), key)
    query = (select(key, *_summed_columns()).where(*_daily_where(scope))
             .group_by(key).order_by(*order))
    return [_sums(row[0], row[1:]) for row in db.session.execute(query)]


def total_sums(scope: Scope) -> Sums:
    """One query: the sums of everything the scope covers."""
    row = db.session.execute(select(*_summed_columns()).where(*_daily_where(scope))).one()
    return _sums(None, row)


@dataclass(frozen=True)
class Cursor:
    """Where a record page ended: the last record's occurred_at and id."""

    occurred_at: datetime
    record_id: int


def ids_with_usage(column: str):
    """A subquery of the account (or model) ids that have any usage, from the rollups."""
    return select(getattr(UsageDaily, column)).distinct().scalar_subquery()


def _record_where(scope: Scope) -> list:
    """The raw records a scope covers, as index-friendly range clauses."""
    clauses = [UsageRecord.occurred_at >= scope.starts_at,
               UsageRecord.occurred_at < scope.ends_before]
    if scope.account_id is not None:
        clauses.append(UsageRecord.account_id == scope.account_id)
    if scope.model_id is not None:
        clauses.append(UsageRecord.model_id == scope.model_id)
    return clauses


def _newest(query, after: Cursor | None, limit: int):
    """`query` after the cursor, newest first (occurred_at, then id), at most `limit` rows."""
    if after is not None:
        query = query.where(or_(
            UsageRecord.occurred_at < after.occurred_at,
            and_(UsageRecord.occurred_at == after.occurred_at, UsageRecord.id < after.record_id)))
    return query.order_by(UsageRecord.occurred_at.desc(), UsageRecord.id.desc()).limit(limit)


def _newest_ids_per_model(scope: Scope, after: Cursor | None, limit: int):
    """The ids of the newest records of every model used in the scope's days, merged.

    No index leads with occurred_at: unfiltered, "newest first" would sort every record of the
    range. Per model (LATERAL) the (model_id, occurred_at) index yields its newest `limit` rows,
    so the page reads at most models x `limit` index entries (PostgreSQL only).
    """
    models = (select(UsageDaily.model_id).where(*_daily_where(scope)).distinct()
              .subquery("models"))
    newest = _newest(select(UsageRecord.id, UsageRecord.occurred_at).where(
        UsageRecord.model_id == models.c.model_id, *_record_where(scope)), after, limit).lateral()
    return (select(newest.c.id).select_from(models).join(newest, true())
            .order_by(newest.c.occurred_at.desc(), newest.c.id.desc()).limit(limit))


def record_page(scope: Scope, after: Cursor | None, limit: int) -> list[UsageRecord]:
    """One query: up to `limit` records newest first (occurred_at, then id), after `after`."""
    unfiltered = scope.account_id is None and scope.model_id is None
    if unfiltered and db.session.get_bind().dialect.name == "postgresql":
        query = _newest(select(UsageRecord).where(
            UsageRecord.id.in_(_newest_ids_per_model(scope, after, limit))), None, limit)
    else:
        query = _newest(select(UsageRecord).where(*_record_where(scope)), after, limit)
    return list(db.session.scalars(query))
