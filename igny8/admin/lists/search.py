"""The list engine's search clauses: escaped LIKE patterns, a phrase, a phrase or an id, every word.

Pure SQLAlchemy: shared by the HTML lists, the JSON API and the history filters.
"""
from __future__ import annotations

from sqlalchemy import Text, and_, cast, or_
from sqlalchemy.sql.elements import ColumnElement

from igny8.services.numbers import parse_id


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its wildcards (`%`, `_`) and `\\` escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def phrase_clause(fields, text: str) -> ColumnElement[bool] | None:
    """`text`, case-insensitive and literal, in one of `fields` (JSON as text); None if blank."""
    text = text.strip()
    if not text or not fields:
        return None
    pattern = like_pattern(text)
    return or_(*(cast(column, Text).ilike(pattern, escape="\\") for column in fields))


def phrase_or_id_clause(fields, id_column, text: str) -> ColumnElement[bool] | None:
    """`text` in one of `fields`, or `text` (`7` or `#7`) as the row's id; None if blank."""
    matches = phrase_clause(fields, text)
    row_id = parse_id(text.strip().removeprefix("#")) if matches is not None else None
    return matches if row_id is None else or_(matches, id_column == row_id)


def words_clause(fields, text: str) -> ColumnElement[bool] | None:
    """Every word of `text` occurs in one of `fields`; None when there is nothing to search."""
    clauses = [phrase_clause(fields, word) for word in text.split()]
    clauses = [clause for clause in clauses if clause is not None]
    return and_(*clauses) if clauses else None
