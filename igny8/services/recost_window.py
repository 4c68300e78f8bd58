"""What a re-costing covers: a model's records since a time, and the price versions in force
over that stretch as the rates the usage store's SQL charges (services/usage_store/recost.py)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.services import costing
from igny8.services.usage_store.recost import MicroRates, Span, Window


def parse_moment(raw: str | None, field: str, required: bool = True) -> datetime | None:
    """A UTC datetime from an ISO date or datetime text ("2026-01-31", "2026-01-31T10:00Z")."""
    text = (raw or "").strip()
    if not text:
        if required:
            raise ValidationFailed(f"{field}: give a date, e.g. 2026-01-31.", {field: "required"})
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValidationFailed(f"{field}: {text[:40]!r} is not a date (YYYY-MM-DD) or an ISO"
                               " 8601 time.", {field: "not a date"}) from None
    return costing.as_utc(moment) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def model_of(model_id: int | None) -> AIModelConfig:
    """The model re-costed, or ValidationFailed naming model_id."""
    model = db.session.get(AIModelConfig, model_id) if model_id else None
    if model is None:
        raise ValidationFailed("model_id: no such model.", {"model_id": "unknown"})
    return model


def _micro(price: Decimal | None) -> int:
    """A price of at most 6 places as whole micro-dollars."""
    scaled = Decimal(price or 0).scaleb(6)
    if scaled != scaled.to_integral_value():
        raise ValidationFailed(f"The price {price} has more than 6 decimal places.",
                               {"price": "too precise"})
    return int(scaled)


def _micro_rates(rates: costing.Rates, model_type: str, version: ModelPriceVersion) -> MicroRates:
    """`rates` in micro-dollars, the cached price falling back to the input price as
    costing.cost_at_rates does; ValidationFailed when a price the type needs is missing."""
    needed = (rates.image,) if model_type == "image" else (rates.input, rates.output)
    if any(price is None for price in needed):
        when = costing.as_utc(version.effective_from).isoformat()
        raise ValidationFailed(f"The price version in force from {when} has no price for"
                               f" {model_type} usage.", {"price_version": "no price"})
    cached = rates.cached_input if rates.cached_input is not None else rates.input
    return MicroRates(_micro(rates.input), _micro(cached), _micro(rates.output),
                      _micro(rates.image))


def span_of(version: ModelPriceVersion, end: datetime | None, model_type: str) -> Span:
    """A version's stretch [effective_from, end) with its base and long-context rates."""
    base = _micro_rates(costing.rates_for(version, 0), model_type, version)
    threshold, tier = version.tier_threshold_tokens, None
    if threshold is not None:
        tier = _micro_rates(costing.rates_for(version, threshold + 1), model_type, version)
    return Span(version.id, costing.as_utc(version.effective_from), end, base, tier, threshold)


def _in_reach(start: datetime, end: datetime | None, since: datetime,
              until: datetime | None) -> bool:
    """Whether [start, end) meets [since, until)."""
    return (end is None or end > since) and (until is None or start < until)


def window_of(model: AIModelConfig, since: datetime, until: datetime | None) -> Window:
    """The model's records in [since, until) and the versions in force over them, as now."""
    since = costing.as_utc(since)
    until = costing.as_utc(until) if until is not None else None
    if until is not None and until <= since:
        raise ValidationFailed("until: must be after since.", {"until": "before since"})
    versions = costing.PriceBook([model.id]).versions(model.id)
    spans = []
    for index, version in enumerate(versions):
        end = (costing.as_utc(versions[index + 1].effective_from)
               if index + 1 < len(versions) else None)
        if _in_reach(costing.as_utc(version.effective_from), end, since, until):
            spans.append(span_of(version, end, model.model_type))
    return Window(model.id, model.model_type, since, until, tuple(spans))


def _dollars(micro: int) -> str:
    """Micro-dollars as a Decimal text."""
    return f"{Decimal(micro).scaleb(-6).normalize():f}"


def describe_spans(window: Window) -> list[dict]:
    """The versions a window charges and their prices, for the run's `price_change`."""
    fields = ("image",) if window.model_type == "image" else ("input", "cached_input", "output")
    return [{"version_id": span.version_id, "from": span.start.isoformat(),
             "until": span.end.isoformat() if span.end else None,
             **{name: _dollars(getattr(span.base, name)) for name in fields},
             "tier_threshold_tokens": span.tier_threshold} for span in window.spans]


def change_text(versions: list[dict]) -> str:
    """The versions charged, in words, for the history ("#2 from 2026-10-05: input 0.2, ...")."""
    shown = []
    for version in versions:
        prices = ", ".join(f"{name} {version[name]}" for name in
                           ("input", "cached_input", "output", "image") if name in version)
        tier = version.get("tier_threshold_tokens")
        shown.append(f"#{version['version_id']} from {version['from'][:16].replace('T', ' ')}:"
                     f" {prices}" + (f", tier above {tier:,} input tokens" if tier else ""))
    return "; ".join(shown) or "no price version"
