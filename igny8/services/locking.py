"""Optimistic locking: edits carry the version they were loaded at; a mismatch is a conflict."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from igny8.errors import ConflictError
from igny8.extensions import db

CONFLICT_MESSAGE = (
    "{what} was changed by someone else since you opened it; reload to see their changes"
)


def describe(obj: Any) -> str:
    """A human name for `obj` in conflict messages."""
    for attribute in ("display_name", "name"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)
    return type(obj).__name__


def parse_version(value: Any) -> int | None:
    """The version sent by a form or client as an int; None when absent or not a number."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_version(obj: Any, expected_version: Any, what: str | None = None) -> None:
    """Raise ConflictError when `obj.version` differs from the version the editor loaded.

    `None` (a client that sent no version) skips the check; the version column still
    catches two writes racing each other at flush time (see `commit_or_conflict`).
    """
    if expected_version is None:
        return
    if parse_version(expected_version) != obj.version:
        raise ConflictError(
            CONFLICT_MESSAGE.format(what=what or describe(obj)), {"version": "stale"}
        )


def commit_or_conflict(what: str) -> None:
    """Commit; a row updated concurrently (StaleDataError) becomes a ConflictError, rolled back."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(CONFLICT_MESSAGE.format(what=what), {"version": "stale"}) from None
