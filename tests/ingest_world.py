"""The ingest tests' world: the rows usage records point at, with costs worked by hand, and a good
record as a client sends it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from igny8.extensions import db
from tests.factories import (
    AccountFactory, ImageModelFactory, PriceVersionFactory, TextModelFactory,
)

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


def sent_record(ledger: Ledger, request_id: str = "req-1", **fields) -> dict:
    """A good text record of the ledger's account (March: the first version), with changes."""
    return {"request_id": request_id, "account_id": ledger.account, "model_id": ledger.text,
            "occurred_at": "2026-03-01T10:00:00Z", "input_tokens": 1000,
            "cached_input_tokens": 400, "output_tokens": 500, **fields}
