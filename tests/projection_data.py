"""Price versions and usage records (with their daily rollups) for the projection tests."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from itertools import count

from igny8.extensions import db
from igny8.models import ModelPriceVersion, UsageRecord
from igny8.services.costing import Counts, cost_of, price_in_force
from igny8.services.usage_store.rollups import apply_deltas, deltas_for_records

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
