"""The one commit path: every service write runs in `unit_of_work` (or `commit`, its short
form) and ends there, or in `refuse` when a rule fails.

It flushes (new rows get their ids), adds the history entries credited to the actor, and
commits once. A row saved by someone else meanwhile (StaleDataError from the version column)
becomes the ConflictError of services/locking.py; a constraint the database enforces
(IntegrityError) becomes the domain error the service names. On any failure the transaction
is rolled back, so nothing is written.

Nothing here bumps a cache: the cache generation is bumped by database triggers in the same
transaction as every write (see igny8/caching.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from igny8.errors import ConflictError, DomainError
from igny8.extensions import db
from igny8.services import audit
from igny8.services.locking import stale_error


@dataclass(frozen=True)
class Entry:
    """One history entry: `changes` maps field -> [before, after]; empty changes record nothing."""

    action: str
    object_type: str
    object_id: Any
    object_repr: str
    changes: Mapping[str, Any]


# Entries, or a callable building them after the flush, when new rows have their ids.
Entries = Iterable[Entry] | Callable[[], Iterable[Entry]]


def integrity_conflict(what: str) -> ConflictError:
    """The default refusal when a database constraint stops the write (a concurrent save)."""
    return ConflictError(
        f"{what} could not be saved: a change saved at the same time conflicts with it;"
        " reload and try again", {"database": "constraint"})


class Work:
    """The history entries of one unit of work, added while the service writes."""

    def __init__(self) -> None:
        self._pending: list[Entries] = []

    def record(self, entries: Entries) -> None:
        """Add entries, or a callable building them after the flush (new rows have ids then)."""
        self._pending.append(entries)

    def entries(self) -> Iterator[Entry]:
        """Every entry with changes, callables evaluated now."""
        for pending in self._pending:
            for entry in pending() if callable(pending) else pending:
                if entry.changes:
                    yield entry


@contextmanager
def unit_of_work(actor: audit.Actor, what: str,
                 on_integrity: DomainError | None = None) -> Iterator[Work]:
    """Run the service's writes, then flush, add the history as `actor` and commit once.

    `what` names the object in a conflict message; `on_integrity` is raised when a database
    constraint refuses the write (default: a ConflictError naming `what`). Any failure, in the
    body or the commit, rolls the whole transaction back.
    """
    work = Work()
    try:
        yield work
        db.session.flush()
        for entry in work.entries():
            audit.record(entry.action, entry.object_type, entry.object_id, entry.object_repr,
                         entry.changes, actor=actor)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise stale_error(what) from None
    except IntegrityError as exc:
        db.session.rollback()
        raise (on_integrity or integrity_conflict(what)) from exc
    except BaseException:
        db.session.rollback()
        raise


def commit(actor: audit.Actor, what: str, entries: Entries = (),
           on_integrity: DomainError | None = None) -> None:
    """Commit what the session holds with `entries` as one unit of work (see unit_of_work)."""
    with unit_of_work(actor, what, on_integrity) as work:
        work.record(entries)


def refuse(error: DomainError) -> NoReturn:
    """Undo what the service changed in the session and raise `error`: nothing is written."""
    db.session.rollback()
    raise error
