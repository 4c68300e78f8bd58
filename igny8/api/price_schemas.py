"""marshmallow schemas of a model's price versions (GET/POST /api/v1/models/{id}/prices)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from igny8.api.fields import Price, StrictInteger, Text, UtcDateTime
from igny8.services.catalogue_rules import MAX_TOKENS
from igny8.services.price_rules import TIER_RULE

TIER = {"description": f"Long-context tier. {TIER_RULE}"}


def _price_fields(required: bool) -> dict:
    """The price and tier fields (documented; `required` for the answer's shape)."""
    return {
        "input_price_per_1m": Price(required=required,
                                    metadata={"description": "USD per 1M input tokens (text)"}),
        "cached_input_price_per_1m": Price(required=required, metadata={
            "description": "USD per 1M cached input tokens (text; empty: the input price)"}),
        "output_price_per_1m": Price(required=required,
                                     metadata={"description": "USD per 1M output tokens (text)"}),
        "price_per_image": Price(required=required,
                                 metadata={"description": "USD per image (image)"}),
        "tier_threshold_tokens": StrictInteger(
            required=required, allow_none=True, validate=validate.Range(min=1, max=MAX_TOKENS),
            metadata={"description": "Input tokens above which the tier prices apply. "
                                     + TIER["description"]}),
        "tier_input_price_per_1m": Price(required=required, metadata=TIER),
        "tier_cached_input_price_per_1m": Price(required=required, metadata=TIER),
        "tier_output_price_per_1m": Price(required=required, metadata=TIER),
    }


PriceVersionSchema = ma.Schema.from_dict({
    "id": fields.Integer(required=True),
    "model_id": fields.Integer(required=True),
    "effective_from": UtcDateTime(required=True, metadata={
        "description": "In force from this time (ISO 8601, UTC) until the next version's"}),
    **_price_fields(required=True),
    "source": fields.String(required=True),
    "checked_on": fields.Date(required=True, allow_none=True),
    "created_by": fields.String(required=True, metadata={"description": "Who added it"}),
    "created_at": UtcDateTime(required=True),
    "updated_at": UtcDateTime(required=True, metadata={
        "description": "Later than created_at when an admin corrected it"}),
}, name="PriceVersion")
PriceVersionSchema.__doc__ = "One version of a model's prices: in force from effective_from on."


class PriceHistorySchema(ma.Schema):
    """A model's price versions, oldest first, and which one is in force now."""

    items = fields.List(fields.Nested(PriceVersionSchema), required=True)
    in_force_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The version in force now (null before the first one)"})
    scheduled_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The next version still to come (a scheduled change), if any"})


PriceVersionCreateSchema = ma.Schema.from_dict({
    "effective_from": UtcDateTime(metadata={
        "description": "When the prices take effect (ISO 8601; no offset means UTC). Default "
                       "now; a future time schedules a change, a past one adds history"}),
    **_price_fields(required=False),
    "source": Text(validate=validate.Length(max=200)),
    "checked_on": fields.Date(allow_none=True),
}, name="PriceVersionCreate")
PriceVersionCreateSchema.__doc__ = (
    "A new version: the prices of the model's type (text: input and output, cached optional; "
    "image: per image), and optionally the long-context tier (a threshold with at least one "
    "tier price).")
