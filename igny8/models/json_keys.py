"""One key of a JSON column as text, written as its expression index is (PostgreSQL and SQLite).

A database uses an expression index only for the very expression it indexes, so queries and the
index declarations both build it here: `(config ->> 'key')` on PostgreSQL,
`CAST(json_extract(config, '$.key') AS TEXT)` on SQLite. Numbers and strings give the same text.
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

KEY = re.compile(r"[a-z_]+")  # the key is written into the SQL: plain names only


class json_key_text(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """`json_key_text(column, "key")`: the key's value as text, NULL when absent."""

    type = Text()
    name = "json_key_text"
    inherit_cache = True

    def __init__(self, column: Any, key: str) -> None:
        """Extract `key` (lower-case letters and underscores) from the JSON `column`."""
        if not KEY.fullmatch(key):
            raise ValueError(f"JSON key {key!r} must be lower-case letters and underscores")
        self.key = key
        super().__init__(column)

    # The key is part of the SQL text, so part of the statement cache key.
    _traverse_internals = [*FunctionElement._traverse_internals,
                           ("key", InternalTraversal.dp_string)]


@compiles(json_key_text, "postgresql")
def _postgresql(element: json_key_text, compiler, **kw) -> str:
    """`(config ->> 'key')`: parenthesised, as CREATE INDEX needs an expression."""
    return f"({compiler.process(element.clauses, **kw)} ->> '{element.key}')"


@compiles(json_key_text)
def _sqlite(element: json_key_text, compiler, **kw) -> str:
    """`CAST(json_extract(config, '$.key') AS TEXT)` (SQLite's JSON1 functions)."""
    column = compiler.process(element.clauses, **kw)
    return f"CAST(json_extract({column}, '$.{element.key}') AS TEXT)"
