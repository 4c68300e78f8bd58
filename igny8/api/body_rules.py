"""The rules across one body's fields that the OpenAPI document states, and the same rules as
checks, so the document and the API's answer cannot disagree.

OpenAPI 3.0 has no `dependentRequired`, so each rule is an `anyOf` of the shapes it allows:
- a body's prices fit one model type (text: token prices; image: a price per image and no
  long-context tier), the type sent when `model_type` is in the body;
- the long-context tier is all or nothing: no tier field with a value, or a threshold with at
  least one tier price (a model write's tier fields replace the tier as a whole);
- a price version carries the prices its type requires.

A body that fits these rules but is refused because of what is stored (a PATCH's prices against
the stored type, a price version for a model of the other type) conflicts with the stored model:
the API answers 409 for it, and 422 only for a body the document itself refuses.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from igny8.models.catalogue import MODEL_TYPES
from igny8.models.prices import TIER_PRICE_FIELDS
from igny8.pricing import PRICE_FIELDS, REQUIRED_PRICES
from igny8.services.catalogue_rules import TYPE_PRICES
from igny8.services.numbers import PRICE_PATTERN

THRESHOLD = "tier_threshold_tokens"
TIER_FIELDS = (THRESHOLD, *TIER_PRICE_FIELDS)
# The fields a body for a model of each type leaves out (or null).
FOREIGN = {model_type: tuple(f for f in PRICE_FIELDS if f not in TYPE_PRICES[model_type])
           + (TIER_FIELDS if model_type == "image" else ()) for model_type in MODEL_TYPES}
RULE_FIELDS = frozenset({*PRICE_FIELDS, *TIER_FIELDS})
# OpenAPI 3.0.3's way to say "null and nothing else" (`nullable` needs a `type` beside it).
ONLY_NULL = {"type": "object", "nullable": True, "enum": [None]}
PRICE = {"type": "string", "pattern": PRICE_PATTERN}
THRESHOLD_VALUE = {"type": "integer"}


def _empty(names: tuple[str, ...]) -> dict:
    """Each of `names` left out or null."""
    return {"properties": {name: ONLY_NULL for name in names}}


def _given(names: tuple[str, ...], schema: dict) -> dict:
    """Each of `names` sent with a value (not null)."""
    return {"required": list(names), "properties": {name: schema for name in names}}


def type_shapes(required: bool) -> list[dict]:
    """One shape per model type: the type (when sent) and no price of another type; with
    `required`, the prices the type requires too (a price version)."""
    shapes = []
    for model_type in MODEL_TYPES:
        shape = _empty(FOREIGN[model_type])
        if not required:  # a model write; a price version has no model_type
            shape["properties"]["model_type"] = {"enum": [model_type]}
        else:
            given = _given(REQUIRED_PRICES[model_type], PRICE)
            shape = {"required": given["required"],
                     "properties": {**shape["properties"], **given["properties"]}}
        shapes.append(shape)
    return shapes


def tier_shapes() -> list[dict]:
    """No tier value at all, or a threshold with at least one tier price."""
    return [_empty(TIER_FIELDS),
            {**_given((THRESHOLD,), THRESHOLD_VALUE),
             "anyOf": [_given((name,), PRICE) for name in TIER_PRICE_FIELDS]}]


def _fits(body: Mapping[str, Any], model_type: str, required: bool) -> bool:
    """Whether the body's prices fit `model_type` (as `type_shapes` says)."""
    if body.get("model_type", model_type) != model_type:
        return False
    if any(body.get(name) is not None for name in FOREIGN[model_type]):
        return False
    return not required or all(body.get(name) is not None
                               for name in REQUIRED_PRICES[model_type])


def tier_complete(body: Mapping[str, Any]) -> bool:
    """Whether the tier sent is all or nothing (as `tier_shapes` says)."""
    sent = [name for name in TIER_FIELDS if body.get(name) is not None]
    return not sent or (THRESHOLD in sent and len(sent) > 1)


def fits_document(body: Mapping[str, Any], required: bool = False) -> bool:
    """Whether a body meets the rules the document states across its fields."""
    return tier_complete(body) and any(_fits(body, model_type, required)
                                       for model_type in MODEL_TYPES)


def only_price_rules(fields: Mapping[str, str]) -> bool:
    """Whether every refusal is about a price or tier field."""
    return bool(fields) and set(fields) <= RULE_FIELDS


def describe(api) -> None:
    """Add the rules to ModelCreate, ModelUpdate and PriceVersionCreate."""
    schemas = api.spec.components.schemas
    model_rules = [{"anyOf": type_shapes(required=False)}, {"anyOf": tier_shapes()}]
    for name in ("ModelCreate", "ModelUpdate"):
        schemas[name].setdefault("allOf", []).extend(model_rules)
    version = schemas["PriceVersionCreate"]
    version["allOf"] = [{"anyOf": type_shapes(required=True)}, {"anyOf": tier_shapes()}]
    rules = ("Prices of one model type only (per image, and no long-context tier, for an image "
             "model); the long-context tier all or nothing: a threshold with at least one tier "
             "price, or no tier value.")
    for schema in (schemas["ModelCreate"], schemas["ModelUpdate"]):
        schema["description"] = f"{schema.get('description', '')} {rules}".strip()
    version["description"] = (f"{version.get('description', '')} The prices of one type, each "
                              f"it requires (text: input and output; image: per image). "
                              f"{rules}").strip()
