"""Request checks shared by the admin pages and the API: ids, body size, text, JSON.

Request ids (echoed, logged) live in `request_ids.py`; `register_request_guard` installs them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from io import BytesIO

from flask import Flask, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, Map

from igny8.request_ids import install_log_request_id, request_id, send_request_id
from igny8.services.numbers import MAX_ID

NUL = "\x00"
NUL_MESSAGE = "Must not contain a NUL (\\x00) character."
SURROGATE_MESSAGE = "Must not contain a lone UTF-16 surrogate (\\ud800-\\udfff)."
NUMBER_MESSAGE = "Must be a number of at most {digits} digits."
DEPTH_MESSAGE = "The JSON body is nested more than {depth} levels deep."
INVALID_JSON = "Invalid JSON body."
BODY_FIELD = "_body"
MAX_JSON_DEPTH = 32  # igny8's bodies nest two levels; anything deeper is not for us
MAX_NUMBER_DIGITS = 100  # far beyond any id or limit, far below Python's 4,300-digit cap
SURROGATES = re.compile("[\ud800-\udfff]")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
TOO_LARGE_FLAG = "igny8.body_too_large"
JSON_CACHE = "igny8.json_body"


class CanonicalIntegerConverter(IntegerConverter):
    """`<int:…>` for ids as written canonically: 1-19 ASCII digits, no leading 0, up to BIGINT."""

    regex = r"[1-9][0-9]{0,18}"
    signed_regex = r"-?[1-9][0-9]{0,18}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


class BadInput(BadRequest):
    """A 400 naming the fields at fault: a page lists them, the API puts them in `fields`."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in fields.items()))
        self.data = {"messages": fields}


class StreamedBodyLimit:
    """WSGI wrapper: a body without Content-Length (chunked) is read up to the limit, never cut.

    Werkzeug would read such a body only up to MAX_CONTENT_LENGTH and hand on the truncated
    part; here one byte more is read, and a body over the limit is flagged for a 413.
    """

    def __init__(self, app: Flask) -> None:
        self.app, self.wsgi_app = app, app.wsgi_app

    def __call__(self, environ, start_response):
        """Buffer a streamed body (at most limit + 1 bytes) and pass it on with its length."""
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        streamed = not environ.get("CONTENT_LENGTH") and "wsgi.input_terminated" in environ
        if limit is not None and streamed:
            body = environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                environ[TOO_LARGE_FLAG], body = True, b""
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = BytesIO(body), str(len(body))
            # Now a plain body of known length: Werkzeug reads it through Content-Length.
            del environ["wsgi.input_terminated"]
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.wsgi_app(environ, start_response)


def printable(name: str) -> str:
    """A field name with NUL and lone surrogates spelled out, safe to show and to encode."""
    return SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", name.replace(NUL, "\\x00"))


def text_problem(text: str) -> str | None:
    """Why a piece of text cannot be stored, or None."""
    if NUL in text:
        return NUL_MESSAGE
    if SURROGATES.search(text):
        return SURROGATE_MESSAGE
    return None


class OversizedNumber(str):
    """A JSON number with too many digits to be anything igny8 stores; refused by the walk."""


def _json_number(text: str) -> int | OversizedNumber:
    """parse_int for json.loads: an int unless it has more digits than any real value."""
    return OversizedNumber(text) if len(text.lstrip("-")) > MAX_NUMBER_DIGITS else int(text)


def _scalar_problem(item: object, check_text: bool) -> str | None:
    """Why a JSON string or number cannot be taken, or None."""
    if isinstance(item, OversizedNumber):
        return NUMBER_MESSAGE.format(digits=MAX_NUMBER_DIGITS)
    if check_text and isinstance(item, str):
        return text_problem(item)
    return None


def _field(path: tuple, key: object) -> str:
    """The dotted name of a member: records.3.request_id."""
    return ".".join(str(part) for part in (*path, key))


def _members(item: dict | list) -> Iterator[tuple[object, object]]:
    """(key or index, child) of an object or an array."""
    return iter(item.items()) if isinstance(item, dict) else enumerate(item)


def _walk(value: object, check_text: bool = True) -> Iterator[tuple[str, str]]:
    """(field, problem) for every string, key or number of a parsed JSON body; no recursion.

    Only containers go on the stack, and a member's dotted name is built only for a problem;
    `check_text=False` skips the text checks (a body without a \\u escape holds no NUL or
    lone surrogate: JSON cannot carry either raw)."""
    if not isinstance(value, (dict, list)):
        problem = _scalar_problem(value, check_text)
        yield from ((BODY_FIELD, problem),) if problem else ()
        return
    stack: list[tuple[tuple, dict | list, int]] = [((), value, 0)]
    while stack:
        path, item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH or (item and depth + 1 > MAX_JSON_DEPTH):
            yield BODY_FIELD, DEPTH_MESSAGE.format(depth=MAX_JSON_DEPTH)
            return
        nested = []
        for key, child in _members(item):
            if check_text and isinstance(key, str) and text_problem(key):
                yield _field(path, key), text_problem(key)
            if isinstance(child, (dict, list)):
                nested.append(((*path, key), child, depth + 1))
            elif problem := _scalar_problem(child, check_text):
                yield _field(path, key), problem
        stack += reversed(nested)


def parse_json_body(data: bytes) -> object:
    """The body as JSON (big numbers and deep nesting survive parsing); BadInput if it is not."""
    try:
        return json.loads(data.decode("utf-8"), parse_int=_json_number)
    except RecursionError:
        raise BadInput({BODY_FIELD: DEPTH_MESSAGE.format(depth=MAX_JSON_DEPTH)}) from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        raise BadInput({BODY_FIELD: INVALID_JSON}) from None


def json_body() -> object:
    """This request's JSON body, parsed once; the API's argument parser reads it from here."""
    if JSON_CACHE not in request.environ:
        request.environ[JSON_CACHE] = parse_json_body(request.get_data(cache=True))
    return request.environ[JSON_CACHE]


def field_problems() -> dict[str, str]:
    """Field → problem for the URL path, query, form and JSON body of this request."""
    found: list[tuple[str, str]] = []
    if text_problem(request.path):
        found.append(("path", text_problem(request.path)))
    for source in (request.args, request.form):
        found += [(key, text_problem(key) or text_problem(value))
                  for key, value in source.items(multi=True)
                  if text_problem(key) or text_problem(value)]
    data = request.get_data(cache=True) if request.method in BODY_METHODS else b""
    if data and request.is_json:
        found += _walk(json_body(), check_text=b"\\u" in data)
    return {printable(name): problem for name, problem in found}


def check_input() -> None:
    """Refuse a body over the limit (413) and text or JSON the database cannot take (400)."""
    if request.environ.get(TOO_LARGE_FLAG):
        raise RequestEntityTooLarge()
    problems = field_problems()
    if problems:
        raise BadInput(problems)


def refuse_oversized_page_body() -> None:
    """First before_request of the pages: a streamed body over the limit is a 413 before the
    CSRF check reads the (emptied) form, as for a body whose Content-Length is over it."""
    if request.environ.get(TOO_LARGE_FLAG) and not request.path.startswith("/api/"):
        raise RequestEntityTooLarge()


def check_page_input() -> None:
    """before_request for the admin pages; the API runs `check_input` after its key check."""
    if not request.path.startswith("/api/"):
        check_input()


def register_request_guard(app: Flask) -> None:
    """Before any route: the canonical `int` converter, the streamed-body limit, request ids."""
    app.url_map.converters["int"] = CanonicalIntegerConverter
    app.wsgi_app = StreamedBodyLimit(app)
    app.before_request(lambda: request_id() and None)  # fixed before anything can log
    # Ahead of the extensions' hooks (CSRF): registered first, run first.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversized_page_body)
    app.after_request(send_request_id)
    install_log_request_id()


def register_input_checks(app: Flask) -> None:
    """After the login check: the admin pages' input checks (authentication comes first)."""
    app.before_request(check_page_input)
