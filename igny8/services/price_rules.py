"""The rules of one price version: input to column values, the prices its model's type needs,
and the long-context tier given all or nothing (a threshold with at least one tier price)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from igny8.models.prices import TIER_PRICE_FIELDS
from igny8.pricing import PRICE_BY_NAME, PRICE_FIELDS, REQUIRED_PRICES
from igny8.services.catalogue_input import to_date, to_price
from igny8.services.catalogue_rules import MAX_TOKENS, TYPE_PRICES
from igny8.services.catalogue_rules import _price_problem as price_problem

TIER_FIELDS = ("tier_threshold_tokens", *TIER_PRICE_FIELDS)
VERSION_PRICE_FIELDS = (*PRICE_FIELDS, *TIER_FIELDS)
INFO_FIELDS = ("source", "checked_on")
VERSION_FIELDS = (*VERSION_PRICE_FIELDS, *INFO_FIELDS)
TIER_LABELS = {"tier_threshold_tokens": "Long-context threshold",
               "tier_input_price_per_1m": "Long-context input price",
               "tier_cached_input_price_per_1m": "Long-context cached input price",
               "tier_output_price_per_1m": "Long-context output price"}
TIER_RULE = ("When a request's input tokens exceed the threshold, the long-context prices apply"
             " to ALL of that request's tokens (a cliff, not a marginal rate); a long-context"
             " price left empty keeps the base price of that kind.")


def label_of(field: str) -> str:
    """How a screen names a version field."""
    if field in PRICE_BY_NAME:
        return PRICE_BY_NAME[field].form_label
    return TIER_LABELS.get(field, field.replace("_", " ").capitalize())


def to_moment(field: str, value: Any) -> datetime | None:
    """A UTC datetime from a datetime, a date (its midnight UTC) or ISO 8601 text (naive = UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{field} must be a date or time in ISO 8601, e.g. "
                             f"2027-01-01T00:00:00Z, not {value!r}") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(), timezone.utc)
    if not isinstance(value, datetime):
        raise ValueError(f"{field} must be a date or time in ISO 8601")
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None \
        else value.astimezone(timezone.utc)


def to_threshold(field: str, value: Any) -> int | None:
    """A positive whole number of input tokens (or None)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().replace(",", "").isdigit():
        value = int(value.strip().replace(",", ""))
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_TOKENS:
        raise ValueError(f"{field} must be a whole number of input tokens between 1 and "
                         f"{MAX_TOKENS:,}")
    return value


def _checked_on(day: Any) -> Any:
    """A price check cannot have happened on a day still to come (UTC)."""
    today = datetime.now(timezone.utc).date()
    if isinstance(day, date) and day > today:
        raise ValueError(f"checked_on {day.isoformat()} is in the future; at most today "
                         f"({today.isoformat()})")
    return day


def _coerce(field: str, value: Any) -> Any:
    """One input value as its column's Python type; ValueError says why it cannot be."""
    if field == "tier_threshold_tokens":
        return to_threshold(field, value)
    if field == "checked_on":
        return _checked_on(to_date(field, value))
    if field == "source":
        text = "" if value is None else str(value).strip()
        if len(text) > 200:
            raise ValueError(f"{field} is {len(text)} characters long; at most 200")
        return text
    price = None if value is None or value == "" else to_price(field, value)
    problem = None if price is None else price_problem(price)
    if problem:
        raise ValueError(f"{field} {problem}")
    return price


def clean(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The coerced values of the version fields given, and a message per field refused."""
    cleaned, errors = {}, {}
    for field, value in values.items():
        if field not in VERSION_FIELDS:
            errors[field] = f"Unknown field {field!r}"
            continue
        try:
            cleaned[field] = _coerce(field, value)
        except ValueError as exc:
            errors[field] = str(exc)
    return cleaned, errors


def tier_errors(model_type: str, values: dict[str, Any]) -> dict[str, str]:
    """The tier all or nothing: a threshold needs a tier price, a tier price needs a threshold;
    image models have no tier."""
    given = [field for field in TIER_FIELDS if values.get(field) is not None]
    if model_type == "image":
        return {field: f"{field}: image prices have no long-context tier; leave it empty"
                for field in given}
    threshold = values.get("tier_threshold_tokens") is not None
    prices = [field for field in TIER_PRICE_FIELDS if field in given]
    if threshold and not prices:
        return {"tier_threshold_tokens": "tier_threshold_tokens needs at least one long-context"
                                         " price (input, cached input or output)"}
    if prices and not threshold:
        return {field: f"{field} needs tier_threshold_tokens (the input tokens above which it"
                       " applies)" for field in prices}
    return {}


def type_errors(model_type: str, values: dict[str, Any]) -> dict[str, str]:
    """The prices the type needs (text: input and output; image: per image), none of another."""
    errors = {field: f"{field} is required for a {model_type} price version"
              for field in REQUIRED_PRICES.get(model_type, ()) if values.get(field) is None}
    allowed = TYPE_PRICES.get(model_type, PRICE_FIELDS)
    errors.update({field: f"{field} does not apply to a {model_type} model; leave it empty"
                   for field in PRICE_FIELDS
                   if field not in allowed and values.get(field) is not None})
    return errors


def version_errors(model_type: str, values: dict[str, Any]) -> dict[str, str]:
    """Every rule a complete version's values break."""
    return {**tier_errors(model_type, values), **type_errors(model_type, values)}
