"""The ledger's test world: price versions, usage records costed as ingest costs them (with
their daily rollups), the report tests' hand-computed sample and the re-costing checks.

Shared by the report, re-costing and projection tests (on both databases); the rows are
written directly, so each test states its prices and counts and can compute costs by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import count

from sqlalchemy import select

from igny8.extensions import db
from igny8.models import AIModelConfig, ModelPriceVersion, UsageDaily, UsageRecord
from igny8.services import audit, costing
from igny8.services.costing import Counts, cost_of, price_in_force
from igny8.services.usage_store import rollups
from igny8.services.usage_store.rollups import apply_deltas, deltas_for_records
from tests.factories import (
    AccountFactory, ImageModelFactory, PriceVersionFactory, TextModelFactory, record_usage,
)


# The report tests' sample ----------------------------------------------------------------

def utc(*parts: int) -> datetime:
    """A UTC time from year, month, day[, hour, minute, second, microsecond]."""
    return datetime(*parts, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Sample:
    """The ids of the sample's rows."""

    acme: int
    northwind: int
    gpt: int
    dalle: int
    record_ids: dict[str, int]
    versions: dict[str, int]


# name -> (account, model, occurred_at, cost, counts); TODAY is 2026-12-01.
RECORDS = {
    "acme_gpt_morning": ("acme", "gpt", utc(2026, 11, 30, 10), "0.000375",
                         {"input_tokens": 1200, "cached_input_tokens": 200, "output_tokens": 350}),
    "acme_gpt_evening": ("acme", "gpt", utc(2026, 11, 30, 18), "0.0012",
                         {"input_tokens": 4000, "output_tokens": 1000}),
    "north_gpt": ("northwind", "gpt", utc(2026, 11, 29, 9), "0.00015", {"input_tokens": 1000}),
    "north_dalle": ("northwind", "dalle", utc(2026, 11, 29, 12), "0.08", {"images": 2}),
    "acme_dalle_october": ("acme", "dalle", utc(2026, 10, 15, 8), "0.04", {"images": 1}),
    "acme_gpt_last_second": ("acme", "gpt", utc(2026, 12, 1, 23, 59, 59, 500000), "0.000001",
                             {"input_tokens": 5}),
}
# Hand-computed over the default range (2026-11-02 .. 2026-12-01): all but October's.
TOTAL_COST = Decimal("0.000375") + Decimal("0.0012") + Decimal("0.00015") + Decimal("0.08") \
    + Decimal("0.000001")


def create_sample(db) -> Sample:
    """Two accounts, a text and an image model with a price version each, six records."""
    accounts = {"acme": AccountFactory(name="Acme Publishing"),
                "northwind": AccountFactory(name="Northwind Media")}
    models = {"gpt": TextModelFactory(gpt_4o_mini=True), "dalle": ImageModelFactory(dall_e_3=True)}
    versions = {key: PriceVersionFactory(model_id=model.id).id for key, model in models.items()}
    record_ids = {}
    for name, (account, model, occurred_at, cost, counts) in RECORDS.items():
        record_ids[name] = record_usage(accounts[account].id, models[model].id, occurred_at,
                                        cost, versions[model], request_id=name, **counts).id
    db.session.commit()
    return Sample(accounts["acme"].id, accounts["northwind"].id, models["gpt"].id,
                  models["dalle"].id, record_ids, versions)


# Re-costing ------------------------------------------------------------------------------

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
START = datetime(2026, 10, 1, tzinfo=timezone.utc)


def add_version(model, effective_from=EPOCH, **prices) -> ModelPriceVersion:
    """A price version of `model` (its catalogue prices unless given), flushed."""
    fields = {name: getattr(model, name) for name in (
        "input_price_per_1m", "cached_input_price_per_1m", "output_price_per_1m",
        "price_per_image")}
    fields.update(prices)
    version = ModelPriceVersion(model_id=model.id, effective_from=effective_from,
                                created_by="test", **fields)
    db.session.add(version)
    db.session.flush()
    return version


def add_records(model, accounts, days=10, per_day=3, start=START, **counts) -> list[dict]:
    """Records of `model` for each account, `per_day` a day from `start`, costed at the version
    in force at their time, with their rollups, as ingest writes them; committed."""
    book = costing.PriceBook([model.id])
    rows = []
    for day in range(days):
        for account in accounts:
            for n in range(per_day):
                rows.append(_record(book, model, account, start + timedelta(days=day, hours=n),
                                    len(rows), counts))
    db.session.execute(UsageRecord.__table__.insert(), rows)
    rollups.apply_deltas(rollups.deltas_for_records(rows))
    db.session.commit()
    return rows


def _record(book, model, account, at, index, counts) -> dict:
    """One record's column values."""
    values = {"input_tokens": 1000 + 37 * index, "cached_input_tokens": 100,
              "output_tokens": 500 + index, "images": 0}
    if model.model_type == "image":
        values = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0, "images": 2}
    values.update(counts)
    version = book.in_force(model.id, at)
    cost = costing.cost_of(version, costing.Counts(**values), model.model_type)
    return {"request_id": f"req-{model.id}-{account.id}-{index}-{at.isoformat()}",
            "account_id": account.id, "model_id": model.id, "occurred_at": at, "cost": cost,
            "price_version_id": version.id, "created_at": at, **values}


CORRECTED_FROM = START + timedelta(days=4)
ADMIN = audit.Actor("user", None, "admin@example.com")


def recost_ledger():
    """A text model priced 0.15/0.60 since 1970, two accounts, 10 days x 3 records each."""
    model = TextModelFactory(cached_input_price_per_1m=Decimal("0.075"))
    accounts = [AccountFactory(name="Acme"), AccountFactory(name="Globex")]
    add_version(model)
    add_records(model, accounts)
    return model, accounts


def correct_past_price(model, **prices):
    """Insert a version dated in the past (from day 4 of the records): the correction."""
    add_version(model, CORRECTED_FROM, **{"input_price_per_1m": Decimal("0.20"),
                                          "output_price_per_1m": Decimal("0.80"), **prices})
    db.session.commit()


def expected_costs(model_id) -> dict[int, Decimal]:
    """Each record's cost by hand: costing.cost_of at the version in force now at its time."""
    book = costing.PriceBook([model_id])
    found = {}
    for record in db.session.scalars(select(UsageRecord).where(UsageRecord.model_id == model_id)):
        counts = costing.Counts(record.input_tokens, record.cached_input_tokens,
                                record.output_tokens, record.images)
        version = book.in_force(model_id, record.occurred_at)
        found[record.id] = costing.cost_of(version, counts, record_type(record))
    return found


def record_type(record) -> str:
    """The model type of a record's model."""
    return db.session.get(AIModelConfig, record.model_id).model_type


def rollup_mismatches() -> list:
    """Rollup rows whose cost or record count differs from the sums of their records."""
    sums = {}
    for record in db.session.scalars(select(UsageRecord)):
        key = (record.account_id, record.model_id, costing.as_utc(record.occurred_at).date())
        count, cost = sums.get(key, (0, Decimal(0)))
        sums[key] = (count + 1, cost + record.cost)
    rows = {(r.account_id, r.model_id, r.day): (r.records, r.cost)
            for r in db.session.scalars(select(UsageDaily))}
    return [key for key in set(sums) | set(rows) if sums.get(key) != rows.get(key)]


def total_cost(model_id) -> Decimal:
    """The sum of a model's record costs."""
    return sum((record.cost for record in db.session.scalars(
        select(UsageRecord).where(UsageRecord.model_id == model_id))), Decimal(0))


# Projections -----------------------------------------------------------------------------

_request_ids = count(1)


def at(text: str) -> datetime:
    """`2026-11-08 10:00` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def version(model, effective_from: str, **prices) -> ModelPriceVersion:
    """A price version of `model` from `effective_from` (UTC), prices as strings."""
    row = ModelPriceVersion(model_id=model.id, effective_from=at(effective_from),
                            created_by="test",
                            **{name: value if name == "tier_threshold_tokens" else Decimal(value)
                               for name, value in prices.items()})
    db.session.add(row)
    db.session.flush()
    return row


def record(account, model, occurred_at: str, input_tokens: int = 0, cached: int = 0,
           output_tokens: int = 0, images: int = 0, slot: str | None = None) -> dict:
    """One usage record costed at the source's version in force, its rollup added."""
    moment = at(occurred_at)
    in_force = price_in_force(model.id, moment)
    counts = Counts(input_tokens, cached, output_tokens, images)
    values = {"request_id": f"req-{next(_request_ids)}", "account_id": account.id,
              "model_id": model.id, "slot": slot, "occurred_at": moment,
              "input_tokens": input_tokens, "cached_input_tokens": cached,
              "output_tokens": output_tokens, "images": images,
              "cost": cost_of(in_force, counts, model.model_type),
              "price_version_id": in_force.id}
    db.session.add(UsageRecord(**values))
    apply_deltas(deltas_for_records([values]))
    db.session.flush()
    return values
