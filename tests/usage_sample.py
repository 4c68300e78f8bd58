"""A small usage ledger with hand-computed costs, shared by the report tests."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from tests.factories import (
    AccountFactory, ImageModelFactory, PriceVersionFactory, TextModelFactory, record_usage,
)


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
