"""marshmallow schemas of the JSON API; they also generate the OpenAPI components."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from igny8.api.fields import (  # noqa: F401  (the field types, imported from here too)
    NO_NUL, Price, StrictBoolean, StrictInteger, Text, UtcDateTime,
)
from igny8.api.pages import page_query_fields, page_schema
from igny8.api.price_schemas import PriceVersionSchema
from igny8.models.catalogue import MODEL_TYPES, PROVIDERS
from igny8.services.catalogue_rules import MAX_TOKENS
from igny8.services.numbers import MAX_ID
from igny8.services.text import VISIBLE_PATTERN


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
    scheduled_price = fields.Nested(PriceVersionSchema, required=True, allow_none=True, metadata={
        "description": "The next price version still to come (a scheduled change), or null; "
                       "the price fields above are the version in force now"})
    version = fields.Integer(required=True, metadata={"description": "Send back in PATCH"})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


ModelListSchema = page_schema("ModelListSchema", ModelSchema, "One page of models.",
                              "Models matching the filters")


class ModelQuerySchema(ma.Schema):
    """Filters and page of GET /models; unknown parameters are refused."""

    provider = Text(metadata={"description": "e.g. openai"})
    model_type = fields.String(validate=validate.OneOf(list(MODEL_TYPES)))
    is_active = fields.Boolean(truthy={"true"}, falsy={"false"})
    q = Text(
        validate=validate.Length(max=100),
        metadata={"description": "Substring of model name, display name or an alias"},
    )
    page, per_page = page_query_fields()


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
    aliases = fields.List(Text(validate=validate.Length(min=1, max=100), metadata=VISIBLE),
                          metadata={"uniqueItems": True})
    deprecation_date = fields.Date(allow_none=True)
    successor_id = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    notes = Text()
    price_source = Text(validate=validate.Length(max=200))
    price_checked_on = fields.Date(allow_none=True)
    effective_from = UtcDateTime(metadata={
        "description": "When the prices sent take effect (ISO 8601; no offset means UTC): "
                       "default now; a future time schedules them (the price fields keep the "
                       "price in force now). Changed prices add a price version"})
    tier_threshold_tokens = StrictInteger(allow_none=True, validate=TOKENS, metadata={
        "description": "Long-context tier: input tokens above which the tier prices apply to "
                       "ALL of the request's tokens (a cliff). Sent with at least one tier price"})
    tier_input_price_per_1m = Price()
    tier_cached_input_price_per_1m = Price()
    tier_output_price_per_1m = Price()


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
