"""The exact sums behind a projection: the usage that ran on the source models, its actual cost
and its cost at the target's prices in force at each record's time.

Costing is linear in the counts, so a whole UTC day on which the target has one price and no
record crosses that price's tier threshold costs the same from the day's rollup as record by
record. The plan splits the period into such spans of days, read from igny8_usage_daily; the
days on which a target version starts after midnight are read record by record; on a span's
days whose rollup says some record crossed the threshold (`max_input_tokens`), only those
records are summed (by the (model_id, input_tokens) index), and their sums move from the base
price to the tier price (the cliff on each such request; linear again over them). Time a
target version has no price for (before its first version, or a version without the prices
of its type) is counted apart as uncovered usage, never costed.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from igny8.models.prices import ModelPriceVersion
from igny8.pricing import REQUIRED_PRICES
from igny8.services.costing import Counts, PriceBook, as_utc, cost_at_rates, cost_of, rates_for
from igny8.services.usage_store import projection as store
from igny8.services.utc_days import days_from, midnight

Key = tuple[int, int]  # source model id, account id


@dataclass
class Tally:
    """One source model x account: the compared usage and the uncovered usage."""

    records: int = 0
    actual: Decimal = Decimal(0)
    projected: Decimal = Decimal(0)
    uncovered_records: int = 0
    uncovered_actual: Decimal = Decimal(0)
    uncovered_first: date | None = None
    uncovered_last: date | None = None

    def add(self, records: int, actual: Decimal, projected: Decimal) -> None:
        """Count compared usage."""
        self.records += records
        self.actual += actual
        self.projected += projected

    def uncover(self, records: int, actual: Decimal, first: date, last: date) -> None:
        """Count usage the target had no price for."""
        self.uncovered_records += records
        self.uncovered_actual += actual
        self.uncovered_first = min(first, self.uncovered_first or first)
        self.uncovered_last = max(last, self.uncovered_last or last)


@dataclass(frozen=True)
class Plan:
    """The period's spans of whole days (with the target version of each, None: no price) and
    the days a target version starts after midnight."""

    spans: list[store.Span]
    versions: list[ModelPriceVersion | None]
    raw_days: list[date]

    def span_of(self, day: date) -> int:
        """The index of the span holding `day`."""
        return bisect_right([span.first for span in self.spans], day) - 1


def priced(version: ModelPriceVersion | None, model_type: str) -> ModelPriceVersion | None:
    """`version` when it carries every price its model type needs, else None."""
    needed = REQUIRED_PRICES.get(model_type, ())
    if version is None or any(getattr(version, name) is None for name in needed):
        return None
    return version


def make_plan(book: PriceBook, target_id: int, model_type: str, first: date,
              last: date) -> Plan:
    """Split `first`..`last` into spans of one target version, and the days it changes in."""
    starts = (as_utc(v.effective_from) for v in book.versions(target_id))
    raw_days = sorted({moment.date() for moment in starts
                       if moment.time() != time() and first <= moment.date() <= last})
    spans: list[store.Span] = []
    versions: list[ModelPriceVersion | None] = []
    for day in days_from(first, last):
        if day in raw_days:
            continue
        version = priced(book.in_force(target_id, midnight(day)), model_type)
        if spans and versions[-1] is version and spans[-1].last == day - timedelta(days=1):
            spans[-1] = store.Span(spans[-1].first, day, spans[-1].threshold)
        else:
            threshold = version.tier_threshold_tokens if version is not None else None
            spans.append(store.Span(day, day, threshold))
            versions.append(version)
    return Plan(spans, versions, raw_days)


def counts_of(row) -> Counts:
    """The counts of a SpanSum or a RawRecord."""
    return Counts(row.input_tokens, row.cached_input_tokens, row.output_tokens, row.images)


def tally(book: PriceBook, target_id: int, model_type: str, models: store.Ids,
          accounts: store.Ids | None, first: date, last: date) -> dict[Key, Tally]:
    """Per source model x account, the compared and uncovered usage of `first`..`last`."""
    plan = make_plan(book, target_id, model_type, first, last)
    tallies: dict[Key, Tally] = defaultdict(Tally)
    for row in store.span_sums(models, accounts, plan.spans):
        version = plan.versions[row.span]
        found = tallies[(row.model_id, row.account_id)]
        if version is None:
            found.uncover(row.records, row.cost, row.first_day, row.last_day)
        else:
            base = rates_for(version, 0)
            found.add(row.records, row.cost, cost_at_rates(base, counts_of(row), model_type))
    stretches = _crossing_spans(plan, store.crossing_days(models, accounts, plan.spans))
    for row in store.crossing_sums(models, accounts, stretches):
        version = plan.versions[plan.span_of(row.first_day)]
        _move_to_tier(tallies[(row.model_id, row.account_id)], row, version, model_type)
    for record in store.raw_records(models, accounts, plan.raw_days):
        version = priced(book.in_force(target_id, record.occurred_at), model_type)
        _cost_alone(tallies[(record.model_id, record.account_id)], record, version, model_type)
    return dict(tallies)


def _crossing_spans(plan: Plan, days: list[date]) -> list[store.Span]:
    """Per span with crossing days, its stretch from the first to the last of them."""
    stretches: dict[int, store.Span] = {}
    for day in days:
        index = plan.span_of(day)
        found = stretches.get(index)
        first = found.first if found else day
        stretches[index] = store.Span(first, day, plan.spans[index].threshold)
    return list(stretches.values())


def _cost_alone(found: Tally, record: store.RawRecord, version: ModelPriceVersion | None,
                model_type: str) -> None:
    """A record of a day the target's price changes in, at the version then in force."""
    if version is None:
        day = as_utc(record.occurred_at).date()
        found.uncover(1, record.cost, day, day)
    else:
        found.add(1, record.cost, cost_of(version, counts_of(record), model_type))


def _move_to_tier(found: Tally, row: store.SpanSum, version: ModelPriceVersion,
                  model_type: str) -> None:
    """Requests past the tier threshold, already counted at base prices in their span's sums:
    replace their base cost by their tier cost (both linear in the summed counts)."""
    counts = counts_of(row)
    base = cost_at_rates(rates_for(version, 0), counts, model_type)
    tier = cost_at_rates(rates_for(version, version.tier_threshold_tokens + 1), counts,
                         model_type)
    found.projected += tier - base
