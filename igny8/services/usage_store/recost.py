"""Re-costing in SQL: a model's records recomputed at the prices in force now, in id batches.

A new cost is an integer expression in pico-dollars: a price of 6 places per 1M tokens is a
whole number of micro-dollars, and tokens x micro-dollars are exactly the pico-dollars of
`costing.cost_of` (images x micro-dollars x 10**6 for a price per image). Each version in force
in the window contributes one branch of a CASE on `occurred_at`, so a preview is one grouped
SELECT and a batch one grouped SELECT (its rollup deltas) and one UPDATE, whatever the size.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, and_, case, cast, func, literal, or_, select, update
from sqlalchemy.sql import ColumnElement, type_coerce

from igny8.extensions import db
from igny8.models.base import from_pico
from igny8.models.usage import UsageRecord
from igny8.services.usage_store.rollups import RollupDelta, RollupKey

RECORDS = UsageRecord.__table__
PICO_PER_MICRO = 10**6


@dataclass(frozen=True)
class MicroRates:
    """One set of rates as whole micro-dollars (per 1M tokens; per image)."""

    input: int = 0
    cached_input: int = 0
    output: int = 0
    image: int = 0


@dataclass(frozen=True)
class Span:
    """A price version's stretch of the window: [start, end) with its base and tier rates."""

    version_id: int
    start: datetime
    end: datetime | None
    base: MicroRates
    tier: MicroRates | None = None
    tier_threshold: int | None = None


@dataclass(frozen=True)
class Window:
    """The records re-costed: one model, `occurred_at` in [since, until), costed as `model_type`."""

    model_id: int
    model_type: str
    since: datetime
    until: datetime | None
    spans: Sequence[Span]


@dataclass
class Totals:
    """Counts and sums (Decimal dollars) of records: all of them, and those that change."""

    records: int = 0
    changed: int = 0
    before: Decimal = field(default_factory=Decimal)
    after: Decimal = field(default_factory=Decimal)

    def add(self, other: Totals) -> None:
        """Add another group's counts and sums."""
        self.records += other.records
        self.changed += other.changed
        self.before += other.before
        self.after += other.after


def _counted(value: int) -> ColumnElement:
    """An integer constant typed BIGINT (products stay integers on both databases)."""
    return literal(value, BigInteger)


def _cost_at(rates: MicroRates, model_type: str) -> ColumnElement:
    """The pico-dollar cost of a record at `rates`."""
    if model_type == "image":
        return RECORDS.c.images * _counted(rates.image * PICO_PER_MICRO)
    uncached = RECORDS.c.input_tokens - RECORDS.c.cached_input_tokens
    return (uncached * _counted(rates.input)
            + RECORDS.c.cached_input_tokens * _counted(rates.cached_input)
            + RECORDS.c.output_tokens * _counted(rates.output))


def _span_cost(span: Span, model_type: str) -> ColumnElement:
    """A span's cost expression: the tier's rates above its threshold (a cliff), else the base."""
    if span.tier is None or span.tier_threshold is None or model_type == "image":
        return _cost_at(span.base, model_type)
    return case((RECORDS.c.input_tokens > span.tier_threshold, _cost_at(span.tier, model_type)),
                else_=_cost_at(span.base, model_type))


def _by_span(window: Window, value_of) -> ColumnElement:
    """CASE on occurred_at: the value of the latest span that started at or before it."""
    latest_first = sorted(window.spans, key=lambda span: span.start, reverse=True)
    return case(*((RECORDS.c.occurred_at >= span.start, value_of(span))
                  for span in latest_first))


def new_cost(window: Window) -> ColumnElement:
    """Each record's cost in pico-dollars at the version in force at its occurred_at."""
    return _by_span(window, lambda span: _span_cost(span, window.model_type))


def new_version(window: Window) -> ColumnElement:
    """Each record's price version id at its occurred_at."""
    return _by_span(window, lambda span: _counted(span.version_id))


def raw_cost() -> ColumnElement:
    """The stored cost as whole pico-dollars (no Decimal conversion)."""
    return type_coerce(RECORDS.c.cost, BigInteger)


def in_window(window: Window) -> ColumnElement:
    """The records of the window that some span covers."""
    first = min(span.start for span in window.spans)
    conditions = [RECORDS.c.model_id == window.model_id,
                  RECORDS.c.occurred_at >= max(first, window.since)]
    if window.until is not None:
        conditions.append(RECORDS.c.occurred_at < window.until)
    return and_(*conditions)


def changes(window: Window) -> ColumnElement:
    """Whether a record's cost or price version differs from what re-costing would give."""
    return or_(raw_cost() != new_cost(window), RECORDS.c.price_version_id != new_version(window))


def _sums(window: Window) -> tuple[ColumnElement, ...]:
    """count, changed, sum(old cost), sum(new cost): the aggregate columns of a group."""
    return (func.count(), func.coalesce(func.sum(case((changes(window), 1), else_=0)), 0),
            func.coalesce(func.sum(raw_cost()), 0), func.coalesce(func.sum(new_cost(window)), 0))


def _totals(row) -> Totals:
    """A result row of `_sums` as Totals in Decimal dollars."""
    return Totals(int(row[0]), int(row[1]), from_pico(row[2]), from_pico(row[3]))


def preview_by_account(window: Window) -> dict[int, Totals]:
    """Per account: records, those that would change, cost now and cost after re-costing."""
    if not window.spans:
        return {}
    rows = db.session.execute(
        select(RECORDS.c.account_id, *_sums(window)).where(in_window(window))
        .group_by(RECORDS.c.account_id).order_by(RECORDS.c.account_id))
    return {row[0]: _totals(row[1:]) for row in rows}


def batch_end(window: Window, after_id: int, size: int) -> int | None:
    """The id closing the next batch of up to `size` window records with id > after_id."""
    base = select(RECORDS.c.id).where(in_window(window), RECORDS.c.id > after_id)
    nth = db.session.scalar(base.order_by(RECORDS.c.id).offset(size - 1).limit(1))
    if nth is not None:
        return nth
    return db.session.scalar(select(func.max(RECORDS.c.id)).where(
        in_window(window), RECORDS.c.id > after_id))


def batch_ends(window: Window, after_id: int, size: int) -> list[int]:
    """The ids closing every full batch of `size` window records after after_id, in one
    numbered scan (a batch end per OFFSET scan re-read the window once per batch)."""
    numbered = (select(RECORDS.c.id, func.row_number().over(order_by=RECORDS.c.id).label("n"))
                .where(in_window(window), RECORDS.c.id > after_id).subquery())
    return list(db.session.scalars(select(numbered.c.id).where(numbered.c.n % size == 0)
                                   .order_by(numbered.c.id)))


def resume_point(window: Window, done: int) -> int:
    """The id after which a run that has done `done` records goes on (records are never
    deleted, so the first `done` window records by id are the ones done)."""
    if done <= 0:
        return 0
    return db.session.scalar(select(RECORDS.c.id).where(in_window(window))
                             .order_by(RECORDS.c.id).offset(done - 1).limit(1)) or 0


def _day(dialect: str) -> ColumnElement:
    """The UTC day of occurred_at (SQLite stores UTC text; PostgreSQL a timestamptz)."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", RECORDS.c.occurred_at), Date)
    return func.date(RECORDS.c.occurred_at)


def _as_date(value) -> date:
    """A day from the database (a date, or SQLite's ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def recost_batch(window: Window, after_id: int, last_id: int,
                 run_id: int) -> tuple[Totals, dict[RollupKey, RollupDelta]]:
    """Recompute the window records with after_id < id <= last_id in the caller's transaction:
    their totals, and the cost-only rollup deltas per (account, model, day) of those that change."""
    ids = and_(in_window(window), RECORDS.c.id > after_id, RECORDS.c.id <= last_id)
    day = _day(db.session.get_bind().dialect.name)
    totals, deltas = Totals(), {}
    for row in db.session.execute(select(RECORDS.c.account_id, day, *_sums(window))
                                  .where(ids).group_by(RECORDS.c.account_id, day)):
        group = _totals(row[2:])
        totals.add(group)
        if group.after != group.before:
            key = (row[0], window.model_id, _as_date(row[1]))
            deltas[key] = RollupDelta(cost=group.after - group.before)
    if totals.changed:
        db.session.execute(update(RECORDS).where(ids, changes(window)).values(
            cost=new_cost(window), price_version_id=new_version(window), recost_run_id=run_id))
    return totals, deltas


def window_totals(window: Window) -> Totals:
    """The window's totals as they stand (a check after a run: nothing changes any more)."""
    found = Totals()
    for totals in preview_by_account(window).values():
        found.add(totals)
    return found
