"""Optimistic locking: edits carry the version they were loaded at; a mismatch is a conflict."""
from __future__ import annotations

from typing import Any

from igny8.errors import ConflictError

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


def version_of(obj: Any) -> int:
    """The version an editor loads: the row's, or 0 while the row does not exist yet (its
    creation is then the change a second editor conflicts with)."""
    return 0 if obj is None else obj.version


def check_version(obj: Any, expected_version: Any, what: str | None = None) -> None:
    """Raise ConflictError when the version of `obj` (see version_of) differs from the version
    the editor loaded.

    `None` (a client that sent no version) skips the check; the version column still
    catches two writes racing each other at flush time (see services/unit_of_work.py).
    """
    if expected_version is None:
        return
    if parse_version(expected_version) != version_of(obj):
        raise stale_error(what or describe(obj))


def stale_error(what: str) -> ConflictError:
    """The conflict raised when `what` was saved by someone else since it was loaded."""
    return ConflictError(CONFLICT_MESSAGE.format(what=what), {"version": "stale"})
