"""What usage costs: the price version in force at a time, and the cost of one request's counts
under a version (the long-context tier is a cliff on the whole request).

Token counts follow OpenAI's usage report: `input_tokens` is every prompt token and
`cached_input_tokens` the part of them read from the cache (cached <= input). A text request
costs (input - cached) x input price + cached x cached price (the input price when the version
has none) + output x output price, per 1M tokens; an image request images x price per image.
When a request's input tokens exceed the version's `tier_threshold_tokens`, the tier's prices
replace the base prices for all of that request's tokens (a tier price left empty keeps the
base price of that kind), as Anthropic and Google bill long-context requests and as LiteLLM's
cost map and genai-prices compute. Money is Decimal throughout, exact to 10**-12 dollars.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models.prices import ModelPriceVersion

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Counts:
    """The counts of one request (or the sums of many)."""

    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0


@dataclass(frozen=True)
class Rates:
    """The per-1M-token and per-image prices one request is charged at."""

    input: Decimal | None
    cached_input: Decimal | None
    output: Decimal | None
    image: Decimal | None


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime (SQLite returns them) is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def tier_applies(version: ModelPriceVersion, input_tokens: int) -> bool:
    """Whether a request with `input_tokens` crosses the version's long-context threshold."""
    threshold = version.tier_threshold_tokens
    return threshold is not None and input_tokens > threshold


def rates_for(version: ModelPriceVersion, input_tokens: int) -> Rates:
    """The rates a request with `input_tokens` pays under `version` (the tier as a cliff)."""
    base = Rates(version.input_price_per_1m, version.cached_input_price_per_1m,
                 version.output_price_per_1m, version.price_per_image)
    if not tier_applies(version, input_tokens):
        return base
    return Rates(_either(version.tier_input_price_per_1m, base.input),
                 _either(version.tier_cached_input_price_per_1m, base.cached_input),
                 _either(version.tier_output_price_per_1m, base.output), base.image)


def _either(tier_price: Decimal | None, base_price: Decimal | None) -> Decimal | None:
    """The tier's price when it has one (0 included), else the base price."""
    return base_price if tier_price is None else tier_price


def cost_at_rates(rates: Rates, counts: Counts, model_type: str) -> Decimal:
    """The cost of `counts` at `rates`; ValidationFailed when a price they need is missing."""
    if model_type == "image":
        if rates.image is None:
            raise ValidationFailed("No price per image is in force.", {"images": "no price"})
        return Decimal(counts.images) * rates.image
    if rates.input is None or rates.output is None:
        raise ValidationFailed("No input/output price per 1M tokens is in force.",
                               {"input_tokens": "no price"})
    cached_rate = rates.cached_input if rates.cached_input is not None else rates.input
    uncached = counts.input_tokens - counts.cached_input_tokens
    total = (Decimal(uncached) * rates.input + Decimal(counts.cached_input_tokens) * cached_rate
             + Decimal(counts.output_tokens) * rates.output)
    return total / MILLION


def cost_of(version: ModelPriceVersion, counts: Counts, model_type: str) -> Decimal:
    """What one request with `counts` costs under `version`."""
    return cost_at_rates(rates_for(version, counts.input_tokens), counts, model_type)


def price_in_force(model_id: int, at: datetime) -> ModelPriceVersion | None:
    """The version with the latest `effective_from <= at`; None before the first version."""
    return db.session.scalars(
        select(ModelPriceVersion)
        .where(ModelPriceVersion.model_id == model_id,
               ModelPriceVersion.effective_from <= as_utc(at))
        .order_by(ModelPriceVersion.effective_from.desc()).limit(1)).first()


class PriceBook:
    """Every version of some models, loaded in one query, to find the one in force per record."""

    def __init__(self, model_ids: Iterable[int]) -> None:
        self._versions: dict[int, list[ModelPriceVersion]] = {}
        self._starts: dict[int, list[datetime]] = {}
        rows = db.session.scalars(
            select(ModelPriceVersion)
            .where(ModelPriceVersion.model_id.in_(set(model_ids)))
            .order_by(ModelPriceVersion.model_id, ModelPriceVersion.effective_from))
        for version in rows:
            self._versions.setdefault(version.model_id, []).append(version)
            self._starts.setdefault(version.model_id, []).append(as_utc(version.effective_from))

    def versions(self, model_id: int) -> list[ModelPriceVersion]:
        """The model's versions, oldest first."""
        return self._versions.get(model_id, [])

    def in_force(self, model_id: int, at: datetime) -> ModelPriceVersion | None:
        """The version of `model_id` in force at `at`, or None before its first version."""
        index = bisect_right(self._starts.get(model_id, []), as_utc(at))
        return self._versions[model_id][index - 1] if index else None
