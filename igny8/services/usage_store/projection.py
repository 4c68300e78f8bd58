"""What a projection reads from the ledger: daily sums per span of whole days whose target
price is constant, the days on which a record crosses a span's tier threshold, and the raw
records of the days that must be costed one by one (services/projection.py decides which).

Every function takes the source models and accounts either as a list of ids or as a SELECT of
ids (e.g. "the accounts following a global slot"), so one statement serves any number of
them and the number of statements never grows with the data.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, and_, case, false, func, or_, select, text
from sqlalchemy.sql.elements import ColumnElement

from igny8.extensions import db
from igny8.models.usage import UsageDaily, UsageRecord
from igny8.services.utc_days import day_end, midnight

Ids = Sequence[int] | Select
COUNT_COLUMNS = ("records", "input_tokens", "cached_input_tokens", "output_tokens", "images")


@dataclass(frozen=True)
class Span:
    """Whole UTC days `first`..`last` (inclusive) with one target price; `threshold` is that
    price's tier threshold (None: no tier)."""

    first: date
    last: date
    threshold: int | None = None


@dataclass(frozen=True)
class SpanSum:
    """The sums of one source model's usage by one account within one span."""

    model_id: int
    account_id: int
    span: int  # index into the spans passed in
    records: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    images: int
    cost: Decimal
    first_day: date
    last_day: date


@dataclass(frozen=True)
class RawRecord:
    """One record read for costing on its own."""

    model_id: int
    account_id: int
    occurred_at: datetime
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    images: int
    cost: Decimal


def _in(column, ids: Ids) -> ColumnElement[bool]:
    """`column IN (ids)` for a list of ids or a SELECT of them."""
    if isinstance(ids, Select):
        return column.in_(ids.scalar_subquery())
    return column.in_(list(ids))


def _scope(table, models: Ids, accounts: Ids | None) -> list[ColumnElement[bool]]:
    """The source models and (optionally) the accounts."""
    conditions = [_in(table.model_id, models)]
    if accounts is not None:
        conditions.append(_in(table.account_id, accounts))
    return conditions


def _in_span(span: Span) -> ColumnElement[bool]:
    """A rollup row on one of the span's days."""
    return UsageDaily.day.between(span.first, span.last)


def span_sums(models: Ids, accounts: Ids | None, spans: Sequence[Span]) -> list[SpanSum]:
    """Per source model x account x span, the sums of the daily rollups (one statement)."""
    if not spans:
        return []
    span_index = case(*[(_in_span(span), index) for index, span in enumerate(spans)])
    sums = [func.sum(getattr(UsageDaily, name)) for name in (*COUNT_COLUMNS, "cost")]
    statement = (
        select(UsageDaily.model_id, UsageDaily.account_id, span_index, *sums,
               func.min(UsageDaily.day), func.max(UsageDaily.day))
        .where(*_scope(UsageDaily, models, accounts), or_(*map(_in_span, spans)))
        .group_by(UsageDaily.model_id, UsageDaily.account_id, span_index))
    return [SpanSum(row[0], row[1], row[2], *(int(value) for value in row[3:8]),
                    row[8], _as_date(row[9]), _as_date(row[10]))
            for row in db.session.execute(statement)]


def crossing_days(models: Ids, accounts: Ids | None, spans: Sequence[Span]) -> list[date]:
    """The days of spans with a tier on which some record's input tokens exceed the threshold
    (UsageDaily.max_input_tokens says so without reading a record; one statement)."""
    crossing = [and_(_in_span(span), UsageDaily.max_input_tokens > span.threshold)
                for span in spans if span.threshold is not None]
    if not crossing:
        return []
    statement = (select(UsageDaily.day).distinct()
                 .where(*_scope(UsageDaily, models, accounts), or_(*crossing))
                 .order_by(UsageDaily.day))
    return [_as_date(day) for day in db.session.scalars(statement)]


def crossing_sums(models: Ids, accounts: Ids | None, stretches: Sequence[Span]) -> list[SpanSum]:
    """Per source model x account x stretch, the sums of the records whose input tokens exceed
    the stretch's threshold (one grouped statement; none without stretches). They are found
    by the (model_id, input_tokens) index: long requests are few, their days are not."""
    if not stretches:
        return []
    over = [and_(UsageRecord.input_tokens > span.threshold,
                 UsageRecord.occurred_at >= midnight(span.first),
                 UsageRecord.occurred_at < day_end(span.last))
            for span in stretches]
    index = case(*[(condition, number) for number, condition in enumerate(over)])
    sums = [func.sum(getattr(UsageRecord, name)) for name in (*COUNT_COLUMNS[1:], "cost")]
    statement = (select(UsageRecord.model_id, UsageRecord.account_id, index, func.count(), *sums)
                 .where(*_scope(UsageRecord, models, accounts), or_(*over))
                 .group_by(UsageRecord.model_id, UsageRecord.account_id, index))
    plan_for_these_values()
    return [SpanSum(row[0], row[1], row[2], *(int(value) for value in row[3:8]), row[8],
                    stretches[row[2]].first, stretches[row[2]].last)
            for row in db.session.execute(statement)]


def plan_for_these_values() -> None:
    """PostgreSQL: plan the rest of this transaction's statements for their values. A
    statement run often is prepared, and after five runs PostgreSQL may keep a generic plan,
    which cannot see how few records exceed a tier threshold: on 10M records it scanned the
    whole period (1.2 s instead of 13 ms)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def raw_records(models: Ids, accounts: Ids | None, whole_days: Sequence[date]) -> list[RawRecord]:
    """Every record of `whole_days` (one statement; none without days)."""
    wanted = [_on_day(day) for day in whole_days]
    columns = [getattr(UsageRecord, name) for name in (
        "model_id", "account_id", "occurred_at", *COUNT_COLUMNS[1:], "cost")]
    statement = (select(*columns)
                 .where(*_scope(UsageRecord, models, accounts), or_(false(), *wanted))
                 .order_by(UsageRecord.occurred_at, UsageRecord.id))
    return [RawRecord(*row) for row in db.session.execute(statement)] if wanted else []


def models_with_usage(models: Ids, first: date, last: date) -> list[int]:
    """The source models with any rollup row between `first` and `last` (one statement)."""
    statement = (select(UsageDaily.model_id).distinct()
                 .where(_in(UsageDaily.model_id, models), UsageDaily.day.between(first, last))
                 .order_by(UsageDaily.model_id))
    return list(db.session.scalars(statement))


def _on_day(day: date) -> ColumnElement[bool]:
    """A record that occurred on the UTC day `day` (a range the model/time index serves)."""
    return and_(UsageRecord.occurred_at >= midnight(day),
                UsageRecord.occurred_at < day_end(day))


def _as_date(value) -> date:
    """A DATE column's value (SQLite may hand back text in an aggregate)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
