"""Turning form, API and JSON input into AIModelConfig column values."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect as sa_inspect

from igny8.models.catalogue import AIModelConfig
from igny8.pricing import PRICE_FIELDS
from igny8.services.numbers import parse_price
from igny8.services.text import visible_or_empty

# Every column a caller may set; id, timestamps, the lock version and the name key (set with
# the name) belong to the database.
EDITABLE_FIELDS = frozenset(
    attr.key for attr in sa_inspect(AIModelConfig).column_attrs
) - {"id", "created_at", "updated_at", "version", "model_name_key"}
STRIPPED_FIELDS = ("provider", "model_type", "model_name", "display_name", "price_source")
# Names that must show something: one of only zero-width or space characters becomes "".
NAME_FIELDS = ("model_name", "display_name")
DATE_FIELDS = ("deprecation_date", "price_checked_on")


def unknown_fields(fields: dict[str, Any]) -> dict[str, str]:
    """A message for every name that is not an editable AIModelConfig field."""
    return {name: f"Unknown field {name!r}" for name in sorted(set(fields) - EDITABLE_FIELDS)}


def to_price(field: str, value: Any) -> Any:
    """A Decimal from a Decimal, int or strictly written string; never a float (money is exact)."""
    if isinstance(value, (float, bool)):
        raise ValueError(f"{field} must be a decimal amount (a Decimal or a string), not {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        return value  # a Decimal, or something model_errors will name
    try:
        return parse_price(value)
    except ValueError as exc:
        raise ValueError(f"{field} must be a decimal amount in USD: {exc}, not {value!r}") from None


def to_date(field: str, value: Any) -> Any:
    """A date from a date or an ISO string (blank means none)."""
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise ValueError(f"{field} must be a date like 2026-01-31, not {value!r}") from None


def coerce(field: str, value: Any) -> Any:
    """Turn input into the column's Python type; ValueError says why it cannot be."""
    if value is None:
        return None
    if field in PRICE_FIELDS:
        return to_price(field, value)
    if field in DATE_FIELDS:
        return to_date(field, value)
    if field in NAME_FIELDS and isinstance(value, str):
        return visible_or_empty(value)
    if field in STRIPPED_FIELDS and isinstance(value, str):
        return value.strip()
    if field == "aliases" and isinstance(value, list):
        return [visible_or_empty(alias) if isinstance(alias, str) else alias for alias in value]
    return value


def coerce_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The coerced values of known fields, and a message for each value that could not be."""
    values, errors = {}, {}
    for field, value in fields.items():
        try:
            values[field] = coerce(field, value)
        except ValueError as exc:
            errors[field] = str(exc)
    return values, errors
