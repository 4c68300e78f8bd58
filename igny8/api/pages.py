"""Numbered pages of the API's lists: the page schema of an item schema, a list query's page
parameters, and the page body a list route answers."""
from __future__ import annotations

import math

import marshmallow as ma
from marshmallow import fields, validate

from igny8.admin.lists import PageSlice
from igny8.services.numbers import MAX_PAGE

DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 200


def page_schema(name: str, item: type[ma.Schema], doc: str, total: str) -> type[ma.Schema]:
    """The schema `name` of one page of `item` rows: items, total (described by `total`),
    page, per_page and pages; its OpenAPI component is `name` without "Schema"."""
    return type(name, (ma.Schema,), {
        "__doc__": doc, "__module__": __name__,
        "items": fields.List(fields.Nested(item), required=True),
        "total": fields.Integer(required=True, metadata={"description": total}),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "pages": fields.Integer(required=True),
    })


def page_query_fields() -> tuple[fields.Integer, fields.Integer]:
    """A list query's `page` (from 1) and `per_page` (1-200, default 50) parameters."""
    return (fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE)),
            fields.Integer(load_default=DEFAULT_PER_PAGE,
                           validate=validate.Range(min=1, max=MAX_PER_PAGE)))


def page_body(found: PageSlice) -> dict:
    """The answer of a page schema: the page's rows, the total and the page count (0 when no
    row matches: a client asking past the last page gets an empty page, not another one)."""
    return {"items": found.items, "total": found.total, "page": found.page,
            "per_page": found.per_page, "pages": math.ceil(found.total / found.per_page)}
