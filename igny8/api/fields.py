"""The field types of the JSON API: exact prices, stored text, UTC times, strict numbers."""
from __future__ import annotations

from datetime import datetime, timezone

import marshmallow as ma
from marshmallow import fields, validate

from igny8.pricing import decimal_text
from igny8.services.numbers import PRICE_PATTERN, PRICE_SYNTAX_MESSAGE, parse_price

NO_NUL = r"^[^\x00]*$"  # the request guard refuses NUL (and lone surrogates) in any text


class Price(fields.Decimal):
    """A price in dollars, sent and returned as a decimal string ("0.15"), never a float."""

    def __init__(self, metadata: dict | None = None, **kwargs) -> None:
        metadata = {"pattern": PRICE_PATTERN, "example": "0.15", **(metadata or {})}
        super().__init__(as_string=True, allow_none=True, metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        """Without the column's trailing zeros."""
        return None if value is None else decimal_text(value)

    def _deserialize(self, value, attr, data, **kwargs):
        """Refuse JSON numbers (a float cannot carry a price exactly) and loose spellings."""
        if not isinstance(value, str):
            raise ma.ValidationError('Send the price as a string, e.g. "0.15".')
        try:
            return parse_price(value)
        except ValueError:
            raise ma.ValidationError(f"Not a valid price: {PRICE_SYNTAX_MESSAGE}.") from None


class Text(fields.String):
    """A string the server stores: documented (and refused) with a NUL in it."""

    def __init__(self, metadata: dict | None = None, **kwargs) -> None:
        validators = kwargs.get("validate") or ()
        validators = validators if isinstance(validators, (list, tuple)) else (validators,)
        # A Regexp validator's pattern is the one to document (it refuses NUL as well).
        patterns = [v.regex.pattern for v in validators if isinstance(v, validate.Regexp)]
        pattern = patterns[0] if patterns else NO_NUL
        super().__init__(metadata={"pattern": pattern, **(metadata or {})}, **kwargs)


class UtcDateTime(fields.DateTime):
    """An ISO 8601 time in UTC; naive values from SQLite are stored UTC."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        """Attach UTC to naive times and convert aware ones to UTC."""
        if isinstance(value, datetime):
            value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
            value = value.astimezone(timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class StrictInteger(fields.Integer):
    """A JSON integer: strings, fractions and booleans are refused."""

    def __init__(self, **kwargs) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """Refuse true/false, which Python counts as integers."""
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """A JSON true or false; 0, 1, "yes" and the other truthy spellings are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        """Only the two JSON booleans."""
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
