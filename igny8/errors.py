"""The domain errors services raise, the one map from each to its HTTP status, the JSON body."""
from __future__ import annotations

from flask import Response, jsonify


class DomainError(Exception):
    """A business rule refused the request; `fields` maps field names to messages."""

    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


class TakenMessage(str):
    """A field message saying another row already holds the value: a conflict with stored
    data, not a malformed value (the API answers 409 when every problem is one)."""


class PricingMessage(str):
    """A field message saying an active model lacks a price its type requires."""


class ValidationFailed(DomainError):
    """Input broke one or more field rules; nothing was written."""

    code = "validation_failed"


class AccountUnavailable(ValidationFailed):
    """The account is unknown or archived: nothing new may be recorded against it."""

    code = "account_unavailable"


class ResolutionError(DomainError):
    """No model could be resolved for a slot."""

    code = "unresolved"

    def __init__(self, slot: str, reason: str) -> None:
        super().__init__(f"No model for slot {slot}: {reason}", {slot: reason})
        self.slot = slot
        self.reason = reason


class ModelInUse(DomainError):
    """The model is referenced and cannot be deleted or deactivated."""

    code = "in_use"


class ConflictError(DomainError):
    """Someone else changed the object since it was loaded."""

    code = "conflict"


# The one map from a refusal to its status: (JSON API, HTML page). A page re-shows the form
# with its messages as 400, like a form that fails its own validation; the API says 422.
HTTP_STATUSES: dict[type[DomainError], tuple[int, int]] = {
    ConflictError: (409, 409),
    ModelInUse: (409, 409),
    ValidationFailed: (422, 400),
    ResolutionError: (422, 400),
    DomainError: (422, 400),
}


def _statuses(error: DomainError) -> tuple[int, int]:
    """The (API, page) statuses of the nearest class of `error` in HTTP_STATUSES."""
    return next(HTTP_STATUSES[cls] for cls in type(error).__mro__ if cls in HTTP_STATUSES)


def api_status(error: DomainError) -> int:
    """The status the JSON API answers `error` with."""
    return _statuses(error)[0]


def page_status(error: DomainError) -> int:
    """The status an HTML page showing `error` answers with."""
    return _statuses(error)[1]


# The `code` of the JSON error body per status, when the error names none of its own.
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_failed", 500: "server_error",
}


def error_body(status: int, message: str, fields: dict | None = None,
               code: str | None = None) -> dict:
    """The one JSON error body: {"code", "message", "fields"} (sent as {"error": body})."""
    return {"code": code or CODES.get(status, "error"), "message": message,
            "fields": fields or {}}


def error_response(status: int, message: str, fields: dict | None = None,
                   code: str | None = None, headers: dict | None = None) -> Response:
    """The JSON error response every failure under /api/ uses."""
    response = jsonify(error=error_body(status, message, fields, code))
    response.status_code = status
    response.headers.update(headers or {})
    return response
