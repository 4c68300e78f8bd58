"""Usage data for the re-costing tests: price versions and records costed as ingest costs them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from igny8.extensions import db
from igny8.models.prices import ModelPriceVersion
from igny8.models.usage import UsageDaily, UsageRecord
from igny8.services import costing
from igny8.services.usage_store import rollups

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
    from igny8.models.catalogue import AIModelConfig

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
