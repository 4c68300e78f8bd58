"""Adjustments to the generated OpenAPI document."""
from __future__ import annotations

NULL_PLACEHOLDER = {"type": "object", "nullable": True}
# OpenAPI 3.0.3's way to say "null and nothing else" (`nullable` needs a `type` beside it).
ONLY_NULL = {"type": "object", "nullable": True, "enum": [None]}


def strict_nullable_reference(self, field, ret, **kwargs) -> dict:
    """A nullable nested schema: the schema or null, not "any object or null" as apispec says."""
    alternatives = ret.get("anyOf")
    if alternatives and NULL_PLACEHOLDER in alternatives:
        ret["anyOf"] = [ONLY_NULL if alt == NULL_PLACEHOLDER else alt for alt in alternatives]
    return {}


def tune_spec(api) -> None:
    """Register the field adjustments before any view is documented."""
    api.ma_plugin.converter.add_attribute_function(strict_nullable_reference)
