"""Schemas of the global and account integration settings, one field per model slot."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from igny8.api.schemas import ModelSummarySchema, StrictInteger, UtcDateTime
from igny8.models.slots import SLOTS
from igny8.services.numbers import MAX_ID

SOURCES = ("account", "global", "default")


def _model_id(**kwargs) -> fields.Field:
    """A model id (or null) for a slot."""
    return StrictInteger(allow_none=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _slot_schema(name: str, doc: str, make_fields) -> type[ma.Schema]:
    """A schema class with the fields `make_fields(slot)` returns for every slot."""
    attrs: dict = {"__doc__": doc}
    for slot in SLOTS.values():
        attrs.update(make_fields(slot))
    return type(name, (ma.Schema,), attrs)


def _global_fields(slot) -> dict:
    """`openai_model` (id) and `openai_model_details` (summary) for a slot."""
    return {
        slot.name: _model_id(required=True, metadata={"description": f"{slot.label}: model id"}),
        f"{slot.name}_details": fields.Nested(ModelSummarySchema, required=True, allow_none=True),
    }


GlobalSettingsBase = _slot_schema(
    "GlobalSettingsBase", "The platform's default model per slot.", _global_fields
)


class GlobalSettingsSchema(GlobalSettingsBase):
    """The platform's default model per slot, as ids and as details (null when unset)."""

    version = fields.Integer(required=True, metadata={"description": "Send back in PATCH"})
    updated_at = UtcDateTime(required=True, allow_none=True)


GlobalSettingsUpdateBase = _slot_schema(
    "GlobalSettingsUpdateBase", "New model ids for the slots sent.",
    lambda slot: {slot.name: _model_id(metadata={"description": f"{slot.label}: model id"})},
)


class GlobalSettingsUpdateSchema(GlobalSettingsUpdateBase):
    """Slots to change: an active model id of the slot's provider and type."""

    version = StrictInteger(metadata={"description": "The version you loaded"})


class EffectiveSlotSchema(ma.Schema):
    """The model a slot resolves to for the account and where it comes from."""

    model = fields.Nested(ModelSummarySchema, required=True, allow_none=True)
    source = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(SOURCES),
        metadata={"description": "account, global or default; null when nothing resolves"},
    )
    warnings = fields.List(fields.String(), required=True)


AccountOverridesSchema = _slot_schema(
    "AccountOverridesSchema", "The account's stored override per slot (null: none).",
    lambda slot: {slot.name: fields.Raw(required=True, allow_none=True)},
)
EffectiveSettingsSchema = _slot_schema(
    "EffectiveSettingsSchema", "The resolution of every slot for the account.",
    lambda slot: {slot.name: fields.Nested(EffectiveSlotSchema, required=True)},
)


class AccountSettingsSchema(ma.Schema):
    """An account's overrides and what each slot resolves to."""

    account_id = fields.Integer(required=True)
    account_name = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Send back in PATCH"})
    overrides = fields.Nested(AccountOverridesSchema, required=True)
    effective = fields.Nested(EffectiveSettingsSchema, required=True)
    warnings = fields.List(fields.String(), required=True)


AccountSettingsUpdateBase = _slot_schema(
    "AccountSettingsUpdateBase", "Overrides to set (a model id) or clear (null).",
    lambda slot: {slot.name: _model_id(metadata={"description": f"{slot.label} override"})},
)


class AccountSettingsUpdateSchema(AccountSettingsUpdateBase):
    """Overrides to set (a model id) or clear (null); slots not sent stay as they are."""

    version = StrictInteger(metadata={"description": "The version you loaded"})
