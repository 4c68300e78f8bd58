"""Request checks every view relies on: bounded integer URL parts, no NUL characters in input."""
from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map

from igny8.errors import error_response
from igny8.services.numbers import MAX_ID

NUL = "\x00"
NUL_MESSAGE = "Must not contain a NUL (\\x00) character."


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that matches ASCII digits only and stops at the largest BIGINT (else a 404)."""

    regex = r"[0-9]+"
    signed_regex = r"-?[0-9]+"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def _json_nul_fields(value: object, path: str) -> Iterator[str]:
    """Dotted names of the JSON strings (keys or values, at any depth) holding a NUL."""
    if isinstance(value, str) and NUL in value:
        yield path or "_body"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                yield name
            yield from _json_nul_fields(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_nul_fields(item, f"{path}.{index}" if path else str(index))


def nul_fields() -> list[str]:
    """Names of the query, form or JSON fields of this request that contain a NUL."""
    names = [key for source in (request.args, request.form)
             for key, value in source.items(multi=True) if NUL in key or NUL in value]
    if request.is_json:
        names += _json_nul_fields(request.get_json(silent=True), "")
    return list(dict.fromkeys(name.replace(NUL, "\\x00") for name in names))


def refuse_nul_input():
    """Answer 400 naming the fields when any text input holds a NUL (PostgreSQL rejects it)."""
    names = nul_fields()
    if not names:
        return None
    if request.path.startswith("/api/"):
        fields = {name: NUL_MESSAGE for name in names}
        return error_response(400, f"The request has invalid fields: {', '.join(names)}.", fields)
    abort(400, description=f"{', '.join(names)}: {NUL_MESSAGE}")


def register_input_guard(app: Flask) -> None:
    """Install the bounded `int` converter (before any route) and the NUL check."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_nul_input)
