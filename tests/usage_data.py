"""The ledger tests' world: accounts, models and price versions whose costs are worked by hand."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select

from igny8.extensions import db
from igny8.models import UsageDaily, UsageRecord
from tests.factories import AccountFactory, ImageModelFactory, PriceVersionFactory, TextModelFactory

JANUARY = datetime(2026, 1, 1, tzinfo=timezone.utc)  # every model's first version starts
JUNE = datetime(2026, 6, 1, tzinfo=timezone.utc)  # the text model's second version starts


@dataclass(frozen=True)
class Ledger:
    """Ids of the rows usage records point at."""

    account: int
    archived: int
    text: int
    image: int
    unpriced: int  # a text model whose only version lacks the output price
    no_versions: int  # a text model without any price version
    text_v1: int
    text_v2: int


def make_ledger() -> Ledger:
    """Flush and commit the world: gpt-4o-mini with two versions (the second with a tier)."""
    account, archived = AccountFactory(name="Acme Publishing"), AccountFactory(
        name="Old Shop", archived_at=datetime(2026, 5, 1, tzinfo=timezone.utc))
    text = TextModelFactory(gpt_4o_mini=True)
    image = ImageModelFactory(dall_e_3=True)
    unpriced, no_versions = TextModelFactory(), TextModelFactory()
    v1 = PriceVersionFactory(model_id=text.id, effective_from=JANUARY,
                             input_price_per_1m=Decimal("0.15"),
                             cached_input_price_per_1m=Decimal("0.075"),
                             output_price_per_1m=Decimal("0.60"))
    v2 = PriceVersionFactory(model_id=text.id, effective_from=JUNE,
                             input_price_per_1m=Decimal("0.20"),
                             output_price_per_1m=Decimal("0.80"),
                             tier_threshold_tokens=200_000,
                             tier_input_price_per_1m=Decimal("0.40"),
                             tier_output_price_per_1m=Decimal("1.60"))
    PriceVersionFactory(model_id=image.id, effective_from=JANUARY, price_per_image=Decimal("0.04"))
    PriceVersionFactory(model_id=unpriced.id, effective_from=JANUARY,
                        input_price_per_1m=Decimal("1"))
    db.session.commit()
    return Ledger(account.id, archived.id, text.id, image.id, unpriced.id, no_versions.id,
                  v1.id, v2.id)


def record(ledger: Ledger, request_id: str = "req-1", **fields) -> dict:
    """A good text record of the ledger's account (March: the first version), with changes."""
    return {"request_id": request_id, "account_id": ledger.account, "model_id": ledger.text,
            "occurred_at": "2026-03-01T10:00:00Z", "input_tokens": 1000,
            "cached_input_tokens": 400, "output_tokens": 500, **fields}


def stored_records() -> list[UsageRecord]:
    """Every stored record, by id."""
    db.session.expire_all()
    return list(db.session.scalars(select(UsageRecord).order_by(UsageRecord.id)))


def rollup_rows() -> list[tuple]:
    """Every rollup row as (account, model, day, records, in, cached, out, images, cost)."""
    db.session.expire_all()
    return [(r.account_id, r.model_id, r.day, r.records, r.input_tokens, r.cached_input_tokens,
             r.output_tokens, r.images, r.cost)
            for r in db.session.scalars(select(UsageDaily).order_by(
                UsageDaily.account_id, UsageDaily.model_id, UsageDaily.day))]


def sums_agree() -> bool:
    """Whether the rollups hold exactly the sums of the records, per account x model."""
    columns = ("input_tokens", "cached_input_tokens", "output_tokens", "images", "cost")

    def sums(model, count):
        query = select(model.account_id, model.model_id, count,
                       *(func.sum(getattr(model, c)) for c in columns)).group_by(
            model.account_id, model.model_id).order_by(model.account_id, model.model_id)
        return [tuple(row) for row in db.session.execute(query)]

    return sums(UsageRecord, func.count()) == sums(UsageDaily, func.sum(UsageDaily.records))
