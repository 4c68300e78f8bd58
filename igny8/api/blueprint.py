"""The `api` blueprint at /api/v1: key authentication and JSON errors for all its views."""
from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from igny8.api.errors import ApiError, register_blueprint_error_handlers
from igny8.request_guard import check_input, json_body
from igny8.services.api_keys import authenticate
from igny8.services.audit import Actor


class GuardedParser(FlaskParser):
    """webargs' parser reading the JSON body the request guard parsed and checked."""

    def _raw_load_json(self, req):
        """The checked body (parsed once); an empty body is no body, as webargs has it."""
        if not is_json_request(req) or not req.get_data(cache=True):
            return core.missing
        return json_body()


bp = Blueprint(
    "api", __name__, url_prefix="/api/v1",
    description="The igny8 AI model catalogue and integration settings.",
)
# The description of the API is public: it holds no data.
PUBLIC_ENDPOINTS = frozenset({"api.openapi_json", "api.docs"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
CHALLENGE = 'Bearer realm="igny8"'
bp.ARGUMENTS_PARSER = GuardedParser()  # before any view declares its arguments
register_blueprint_error_handlers(bp)


def bearer_token() -> str | None:
    """The key from `Authorization: Bearer <key>`, or None when the header is absent or other."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


@bp.before_request
def require_api_key() -> None:
    """Every API call but the description needs a live key; writes need write scope."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        authenticate_request()
    check_input()  # only once the caller is known: a keyless probe learns nothing but 401


def authenticate_request() -> None:
    """The key check: 401 without a live key, 403 for a read key that writes, 415 for no JSON."""
    token = bearer_token()
    if token is None:
        raise ApiError(401, "Send an API key in the header Authorization: Bearer <key>.",
                       headers={"WWW-Authenticate": CHALLENGE})
    key = authenticate(token)
    if key is None:
        raise ApiError(401, "The API key is not valid or was revoked.",
                       headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'})
    if request.method in WRITE_METHODS and not key.can_write:
        raise ApiError(403, f"The API key {key.name} has read scope; changes need a write key.")
    g.api_key = key
    if request.method in BODY_METHODS and not request.is_json:
        # Without this a form-encoded body would be ignored and the write silently lost.
        raise ApiError(415, "Send the body as JSON with the header Content-Type: application/json.")


@bp.teardown_request
def forget_api_key(_exc: BaseException | None) -> None:
    """Forget the key when the request ends, even if its app context lives on (tests)."""
    g.pop("api_key", None)


def api_actor() -> Actor:
    """Who the request's writes are credited to: its API key, even when the same client also
    carries an admin's session cookie."""
    return Actor.for_api_key(g.api_key)
