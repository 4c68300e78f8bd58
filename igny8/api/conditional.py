"""ETag from a resource's version; If-Match as the version a write expects; If-None-Match → 304.

A stale If-Match answers 409, like a stale `version` in the body: both mean "someone saved since
you read it", and clients handle one status for it.
"""
from __future__ import annotations

import re

from flask import current_app, request

from igny8.api.errors import ApiError

STALE = "{what} is at version {current}; If-Match named another ({sent}). Reload it and retry."
# One version, as the ETag spells it ("3") or bare (3, the `version` field's value), or *.
IF_MATCH_PATTERN = r'^(\*|"[0-9]{1,19}"|[0-9]{1,19})$'
IF_NONE_MATCH_PATTERN = r'^(\*|(W/)?"[0-9]{1,19}"|[0-9]{1,19})$'
MALFORMED = 'Must be one version as the ETag header gives it, e.g. "3" (or 3), or *.'
IF_MATCH = {
    "in": "header", "name": "If-Match", "required": False,
    "description": 'The ETag you read, e.g. "3" (the version; 3 works too); 409 when it is '
                   "stale, 400 when malformed. The `version` field of the body does the same.",
    "schema": {"type": "string", "pattern": IF_MATCH_PATTERN, "example": '"1"'},
}
IF_NONE_MATCH = {
    "in": "header", "name": "If-None-Match", "required": False,
    "description": "The ETag you hold; 304 without a body while the model is unchanged.",
    "schema": {"type": "string", "pattern": IF_NONE_MATCH_PATTERN, "example": '"1"'},
}
ETAG_HEADER = {"ETag": {"description": 'The version as an entity tag, e.g. "3"',
                        "schema": {"type": "string", "pattern": r'^"[0-9]+"$'}}}


def etag(version: int) -> str:
    """The entity tag of a resource at `version`: the version in quotes."""
    return f'"{version}"'


def with_etag(body, version: int, status: int = 200):
    """A view's answer with the ETag of `version` (flask-smorest's (body, status, headers))."""
    return body, status, {"ETag": etag(version)}


def header_value(name: str, pattern: str) -> str | None:
    """The header as sent, None when absent; 400 naming it when it is not a single ETag or *."""
    sent = request.headers.get(name)
    if sent is not None and not re.fullmatch(pattern, sent.strip()):
        raise ApiError(400, f"The header {name} is malformed.", {name: MALFORMED})
    return sent


def check_if_match(version: int, what: str) -> None:
    """409 unless If-Match is absent, `*`, or the current version (quoted as an ETag, or bare)."""
    sent = header_value("If-Match", IF_MATCH_PATTERN)
    if sent is None or sent.strip().strip('"') in ("*", str(version)):
        return
    raise ApiError(409, STALE.format(what=what, current=version, sent=sent.strip()),
                   {"If-Match": f"stale; the current ETag is {etag(version)}"},
                   code="conflict", headers={"ETag": etag(version)})


def not_modified(version: int):
    """An empty 304 when If-None-Match names the current version (weakly), else None."""
    if header_value("If-None-Match", IF_NONE_MATCH_PATTERN) is None:
        return None
    if not request.if_none_match.contains_weak(str(version)):
        return None
    response = current_app.response_class(status=304)
    response.headers["ETag"] = etag(version)
    return response
