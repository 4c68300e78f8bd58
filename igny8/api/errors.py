"""The API's error handlers: every failure under /api/ answers with igny8.errors' one JSON body."""
from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError

from igny8.errors import CODES, DomainError, api_status, error_response
from igny8.extensions import db

log = logging.getLogger(__name__)
API_PATH_PREFIX = "/api/"
# Codes the API answers with; each gets a handler on the blueprint and the app.
HANDLED_STATUSES = (400, 401, 403, 404, 405, 409, 413, 415, 422, 500)
ROUTING_STATUSES = (404, 405)
BODY_FIELD = "_body"
# webargs/marshmallow wording for a body that is not a JSON object, in plainer words.
BODY_MESSAGES = {
    "Invalid JSON body.": "The request body is not valid JSON.",
    "Invalid input type.": "The request body must be a JSON object.",
}


class ApiError(Exception):
    """An error a view raises to answer with the shared shape."""

    def __init__(self, status: int, message: str, fields: dict | None = None,
                 code: str | None = None, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.fields = dict(fields or {})
        self.code = code or CODES.get(status, "error")
        self.headers = dict(headers or {})


def flatten_messages(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow/webargs messages ({"json": {"a": ["…"]}}) as {"a": "…"}."""
    if isinstance(messages, list | tuple):
        text = " ".join(str(m) for m in messages if not isinstance(m, dict))
        nested = [flatten_messages(m, prefix) for m in messages if isinstance(m, dict)]
        merged = {k: v for part in nested for k, v in part.items()}
        return {**({prefix or BODY_FIELD: text} if text else {}), **merged}
    if not isinstance(messages, dict):
        return {prefix or BODY_FIELD: str(messages)}
    flat: dict[str, str] = {}
    for key, value in messages.items():
        if not prefix and key in {"json", "query", "querystring", "view_args"}:
            name = ""
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        flat.update(flatten_messages(value, BODY_FIELD if name == "_schema" else name))
    return flat


def _summary(status: int, fields: dict[str, str], default: str) -> str:
    """A sentence naming the fields at fault, or saying what is wrong with the whole body."""
    if BODY_FIELD in fields:
        return BODY_MESSAGES.get(fields[BODY_FIELD], fields[BODY_FIELD])
    if status in (400, 422) and fields:
        names = ", ".join(sorted(fields))
        return f"The request has invalid fields: {names}."
    return default


def handle_http_exception(error: HTTPException) -> Response:
    """Any HTTPException (abort, routing 404/405, webargs 422) as the JSON shape."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = flatten_messages(data.get("messages") or data.get("errors") or {})
    message = data.get("message") or _summary(status, fields, error.description or error.name)
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return error_response(status, message, fields, headers=headers)


def handle_api_error(error: ApiError) -> Response:
    """An ApiError raised by a view."""
    db.session.rollback()
    return error_response(error.status, error.message, error.fields, error.code, error.headers)


def handle_domain_error(error: DomainError) -> Response:
    """A service refusal, with the status igny8.errors maps its class to."""
    db.session.rollback()
    return error_response(api_status(error), error.message, error.fields, error.code)


def handle_server_error(error: Exception) -> Response:
    """An unexpected failure: logged with its traceback, answered without internals."""
    original = getattr(error, "original_exception", None) or error
    if not isinstance(original, HTTPException):
        log.exception("API request failed", exc_info=original)
    db.session.rollback()
    return error_response(500, "The server failed to handle the request; it has been logged.")


def is_api_request() -> bool:
    """Whether the current request is addressed to the JSON API."""
    return request.path.startswith(API_PATH_PREFIX)


def _app_routing_handler(error: HTTPException):
    """404/405 before any view matched: JSON under /api/, the app's own error page elsewhere."""
    if is_api_request():
        return handle_http_exception(error)
    # The page handler the admin registered for HTTPException (Flask's default when none).
    fallback = current_app.error_handler_spec[None][None].get(HTTPException)
    return fallback(error) if fallback else error


def register_blueprint_error_handlers(blueprint) -> None:
    """Handlers on the API blueprint: they win over the app's HTML error pages in API views."""
    for status in HANDLED_STATUSES:
        if status != 500:
            blueprint.register_error_handler(status, handle_http_exception)
    blueprint.register_error_handler(HTTPException, handle_http_exception)
    blueprint.register_error_handler(InternalServerError, handle_server_error)
    blueprint.register_error_handler(ApiError, handle_api_error)
    blueprint.register_error_handler(DomainError, handle_domain_error)


def register_app_error_handler(app: Flask) -> None:
    """Routing errors (unknown path, wrong method) under /api/ reach no blueprint: catch them.

    Registered by status code, these win over class-level page handlers in any order.
    """
    for status in ROUTING_STATUSES:
        app.register_error_handler(status, _app_routing_handler)
