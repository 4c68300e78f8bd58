"""marshmallow schemas of the JSON API; they also generate the OpenAPI components."""
from __future__ import annotations

from datetime import datetime, timezone

import marshmallow as ma
from marshmallow import fields, validate

from igny8.models.catalogue import MODEL_TYPES, PROVIDERS
from igny8.pricing import decimal_text
from igny8.services.catalogue_rules import MAX_TOKENS
from igny8.services.text import VISIBLE_PATTERN
from igny8.services.numbers import MAX_PAGE, PRICE_PATTERN, PRICE_SYNTAX_MESSAGE, parse_price


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
        super().__init__(metadata={"pattern": NO_NUL, **(metadata or {})}, **kwargs)


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


class ErrorBodySchema(ma.Schema):
    """What went wrong."""

    code = fields.String(required=True, metadata={"description": "Machine-readable reason"})
    message = fields.String(required=True, metadata={"description": "Sentence for people"})
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.String(), required=True,
        metadata={"description": "Field name → what is wrong with it (empty when none)"},
    )


class ErrorSchema(ma.Schema):
    """The one error shape of every 4xx/5xx answer under /api/."""

    error = fields.Nested(ErrorBodySchema, required=True)


class ModelSummarySchema(ma.Schema):
    """The short form of an AI model, used where settings point at one."""

    id = fields.Integer(required=True)
    model_name = fields.String(required=True)
    display_name = fields.String(required=True)
    provider = fields.String(required=True)
    model_type = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    label = fields.String(required=True, metadata={
        "description": "Dropdown text with pricing and, when retiring or retired, the date"})
    state = fields.String(required=True, metadata={
        "description": "active, retiring (deprecation within the retiring window), retired"
                       " (deprecation date reached) or inactive"})


class ModelSchema(ModelSummarySchema):
    """An AI model of the catalogue with its pricing and limits."""

    input_price_per_1m = Price(required=True, metadata={"description": "USD per 1M input tokens"})
    cached_input_price_per_1m = Price(required=True)
    output_price_per_1m = Price(required=True)
    price_per_image = Price(required=True, metadata={"description": "USD per image"})
    context_window = fields.Integer(required=True, allow_none=True)
    max_output_tokens = fields.Integer(required=True, allow_none=True)
    aliases = fields.List(fields.String(), required=True)
    deprecation_date = fields.Date(required=True, allow_none=True)
    successor_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The model of the same type to move to when this one retires"})
    notes = fields.String(required=True)
    origin = fields.String(required=True, metadata={"description": "seed, manual, api, migration"})
    price_source = fields.String(required=True)
    price_checked_on = fields.Date(required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={"description": "Send back in PATCH"})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class ModelListSchema(ma.Schema):
    """One page of models."""

    items = fields.List(fields.Nested(ModelSchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "Models matching the filters"})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class ModelQuerySchema(ma.Schema):
    """Filters and page of GET /models; unknown parameters are refused."""

    provider = Text(metadata={"description": "e.g. openai"})
    model_type = fields.String(validate=validate.OneOf(list(MODEL_TYPES)))
    is_active = fields.Boolean(truthy={"true"}, falsy={"false"})
    q = Text(
        validate=validate.Length(max=100),
        metadata={"description": "Substring of model name, display name or an alias"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


TOKENS = validate.Range(min=1, max=MAX_TOKENS)
VISIBLE = {"pattern": VISIBLE_PATTERN,
           "description": "Must show something: only spaces, control or zero-width characters "
                          "(after NFKC) count as empty and are refused with 422"}


class ModelWriteSchema(ma.Schema):
    """Fields a client may set on a model; the catalogue rules check them as a whole."""

    provider = fields.String(validate=validate.OneOf(list(PROVIDERS)))
    model_type = fields.String(validate=validate.OneOf(list(MODEL_TYPES)))
    model_name = Text(validate=validate.Length(min=1, max=100), metadata=VISIBLE)
    display_name = Text(validate=validate.Length(min=1, max=150), metadata=VISIBLE)
    is_active = StrictBoolean()
    input_price_per_1m = Price()
    cached_input_price_per_1m = Price()
    output_price_per_1m = Price()
    price_per_image = Price()
    context_window = StrictInteger(allow_none=True, validate=TOKENS)
    max_output_tokens = StrictInteger(allow_none=True, validate=TOKENS)
    aliases = fields.List(Text(validate=validate.Length(min=1, max=100), metadata=VISIBLE))
    deprecation_date = fields.Date(allow_none=True)
    successor_id = StrictInteger(allow_none=True)
    notes = Text()
    price_source = Text(validate=validate.Length(max=200))
    price_checked_on = fields.Date(allow_none=True)


class ModelCreateSchema(ModelWriteSchema):
    """A new model: provider, type and both names are required."""

    provider = fields.String(required=True, validate=validate.OneOf(list(PROVIDERS)))
    model_type = fields.String(required=True, validate=validate.OneOf(list(MODEL_TYPES)))
    model_name = Text(required=True, validate=validate.Length(min=1, max=100), metadata=VISIBLE)
    display_name = Text(required=True, validate=validate.Length(min=1, max=150),
                        metadata=VISIBLE)


class ModelUpdateSchema(ModelWriteSchema):
    """A change to a model: only the fields sent change."""

    version = StrictInteger(
        metadata={"description": "The version you loaded; 409 when someone saved since"},
    )
