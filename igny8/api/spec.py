"""Adjustments to the generated OpenAPI document and the error responses operations share."""
from __future__ import annotations

import marshmallow as ma

from igny8.api.blueprint import bp
from igny8.api.examples import error
from igny8.api.schemas import ErrorSchema
from igny8.pricing import REQUIRED_PRICES
from igny8.request_guard import MAX_JSON_DEPTH, MAX_NUMBER_DIGITS
from igny8.services.numbers import PRICE_PATTERN

NULL_PLACEHOLDER = {"type": "object", "nullable": True}
# OpenAPI 3.0.3's way to say "null and nothing else" (`nullable` needs a `type` beside it).
ONLY_NULL = {"type": "object", "nullable": True, "enum": [None]}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
CHALLENGE = {"WWW-Authenticate": {"description": 'Bearer realm="igny8"',
                                  "schema": {"type": "string"}}}
# status → (component name, description, example, headers)
SHARED_ERRORS = {
    400: ("BadRequest",
          "The request is malformed: the body is not JSON, nests deeper than "
          f"{MAX_JSON_DEPTH} levels or has a number of more than {MAX_NUMBER_DIGITS} digits, or "
          "a text (path, query, key or value) holds a NUL or a lone UTF-16 surrogate. "
          "`fields` names each part at fault.",
          error("bad_request", "The request has invalid fields: notes.",
                {"notes": "Must not contain a NUL (\\x00) character."}), None),
    401: ("Unauthorized", "No API key, or one that is unknown or revoked; checked first.",
          error("unauthorized", "Send an API key in the header Authorization: Bearer <key>."),
          CHALLENGE),
    403: ("Forbidden", "A read key tried to change data; writes need a write key.",
          error("forbidden", "The API key reporting has read scope; changes need a write key."),
          None),
    409: ("Conflict", "Another write got there first (the same name, or a row it depends on).",
          error("conflict", "openai already has a model named 'gpt-4o-mini'",
                {"model_name": "taken"}), None),
    413: ("PayloadTooLarge", "The body is over 1 MiB (also when sent chunked); nothing is read.",
          error("payload_too_large", "The data value transmitted exceeds the capacity limit."),
          None),
    415: ("UnsupportedMediaType", "The body is not sent as Content-Type: application/json.",
          error("unsupported_media_type",
                "Send the body as JSON with the header Content-Type: application/json."), None),
    422: ("ValidationFailed", "A parameter or field is invalid; `fields` names each.",
          error("validation_failed", "The request has invalid fields: page.",
                {"page": "Must be greater than or equal to 1 and less than or equal to 1000000."}),
          None),
}
READS = (400, 401)
WRITES = (400, 401, 403, 413, 415)


def strict_nullable_reference(self, field, ret, **kwargs) -> dict:
    """A nullable nested schema: the schema or null, not "any object or null" as apispec says."""
    alternatives = ret.get("anyOf")
    if alternatives and NULL_PLACEHOLDER in alternatives:
        ret["anyOf"] = [ONLY_NULL if alt == NULL_PLACEHOLDER else alt for alt in alternatives]
    return {}


def error_response(description: str, example: dict, headers: dict | None) -> dict:
    """A response component in the one error shape, with an example."""
    response = {"description": description,
                "content": {"application/json": {"schema": ERROR_REF, "example": example}}}
    return {**response, "headers": headers} if headers else response


def errors(*statuses: int):
    """Decorator documenting the shared error responses `statuses` on an operation."""
    def decorate(view):
        for status in statuses:
            view = bp.alt_response(status, response=SHARED_ERRORS[status][0])(view)
        return view
    return decorate


def list_operation(query_schema: type[ma.Schema], page_schema: type[ma.Schema], example: dict):
    """Decorator of a paginated GET: the strict query, the page answer, a 422 for a bad query
    parameter and the read errors."""
    def decorate(view):
        view = errors(*READS)(view)
        view = bp.alt_response(422, schema=ErrorSchema,
                               description="A query parameter is invalid")(view)
        view = bp.response(200, page_schema, example=example)(view)
        return bp.arguments(query_schema, location="query", unknown=ma.RAISE)(view)
    return decorate


def describe_pricing_rule(api) -> None:
    """ModelCreate: an active model carries every price its type requires (an anyOf)."""
    schema = api.spec.components.schemas["ModelCreate"]
    price = {"type": "string", "pattern": PRICE_PATTERN}
    schema["anyOf"] = [{"properties": {"is_active": {"enum": [False]}}}] + [
        {"properties": {"model_type": {"enum": [model_type]}, **{name: price for name in prices}},
         "required": ["model_type", *prices]}
        for model_type, prices in REQUIRED_PRICES.items()]
    rule = ("An active model needs every price of its type: input and output for text, per "
            "image for images.")
    schema["description"] = f"{schema.get('description', '')} {rule}".strip()


def tune_spec(api) -> None:
    """Register the field adjustments and the shared error responses before any view."""
    api.ma_plugin.converter.add_attribute_function(strict_nullable_reference)
    for name, description, example, headers in SHARED_ERRORS.values():
        api.spec.components.response(name, error_response(description, example, headers))
