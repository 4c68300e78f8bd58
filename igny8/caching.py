"""The one cache: named in-process LRU regions keyed by (database, generation, the caller's key).

Why the key is right:
- The generation (igny8/cache_generation.py) is one row that a database trigger bumps in the
  same transaction as every write to the models, the global settings, the accounts and their
  integration settings, whoever writes. Reading it is one primary-key read, whatever the
  number of rows in those tables (the former key aggregated whole tables on every request).
- It is read once per transaction, BEFORE anything cached is loaded (the same statement
  also reads when the next price version falls due, for services/price_schedule.py): the
  data a value is built from is then at least as new as its key. A commit that lands in
  between gives new data under the old key (harmless: every later reader sees the new
  generation and misses), never old data
  under a new key.
- A transaction that has written to a tracked table bypasses the cache (builds, stores
  nothing): it would otherwise see its own uncommitted generation and data, store them, and
  roll back, leaving the entry for the next commit that reaches the same number to find.
- The database is part of the key, so two apps (or test databases) in one process never share.
  A process keeps its own regions; every process sees every commit through the database, so
  gunicorn workers need no shared cache (Redis is not needed).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timezone
from threading import Lock
from typing import Any, TypeVar

from cachetools import LRUCache
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from igny8.cache_generation import TRACKED_TABLES, read_state
from igny8.extensions import db

T = TypeVar("T")
GENERATION = "igny8.cache_generation"  # session.info: the generation this transaction read
WROTE = "igny8.cache_wrote"  # session.info: this transaction wrote to a tracked table
NEXT_PRICE_DUE = "igny8.next_price_due"  # session.info: read with the generation
_MISSING = object()


class Region:
    """A named, thread-safe LRU of values; `get_or_build` adds the database and generation."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self._entries: LRUCache = LRUCache(maxsize=size)
        self._lock = Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value for `key` in the current data state, built (outside the lock) when missing."""
        generation = current_generation()
        if generation is None:
            return build()
        full_key = (database_key(), generation, key)
        with self._lock:
            value = self._entries.get(full_key, _MISSING)
        if value is not _MISSING:
            return value
        value = build()
        with self._lock:
            self._entries[full_key] = value
        return value

    def get_many_or_build(self, keys: list[Hashable], build: Callable[[int], T]) -> list[T]:
        """The values for `keys` in order; `build(i)` makes the i-th when missing."""
        generation = current_generation()
        if generation is None:
            return [build(i) for i in range(len(keys))]
        scope = (database_key(), generation)
        full_keys = [(*scope, key) for key in keys]
        with self._lock:
            values = [self._entries.get(full_key, _MISSING) for full_key in full_keys]
        built = {i: build(i) for i, value in enumerate(values) if value is _MISSING}
        if built:
            with self._lock:
                for i, value in built.items():
                    self._entries[full_keys[i]] = values[i] = value
        return values

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """How many entries are held."""
        return len(self._entries)


REGIONS: dict[str, Region] = {}


def region(name: str, size: int) -> Region:
    """The region called `name`, made with room for `size` entries on first use."""
    if name not in REGIONS:
        REGIONS[name] = Region(name, size)
    return REGIONS[name]


def clear_all() -> None:
    """Forget every entry of every region."""
    for each in REGIONS.values():
        each.clear()


def database_key() -> str:
    """The database the values come from (its URL without the password)."""
    return db.engine.url.render_as_string(hide_password=True)


def current_generation() -> int | None:
    """This transaction's generation (read once); None when the cache must not be used."""
    info = db.session().info
    if info.get(WROTE):
        return None
    if GENERATION not in info:
        info[GENERATION], info[NEXT_PRICE_DUE] = read_state(
            db.session, datetime.now(timezone.utc))
    return info[GENERATION]


def next_price_due() -> datetime | None:
    """The next price version's effective_from after this transaction's first read, read with
    the generation (None when none is scheduled or the transaction wrote)."""
    return db.session().info.get(NEXT_PRICE_DUE) if current_generation() is not None else None


def _writes_tracked(objects: Any) -> bool:
    """Whether any of these ORM objects lives in a tracked table."""
    return any(getattr(type(obj), "__tablename__", None) in TRACKED_TABLES for obj in objects)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, context: Any) -> None:
    """A flush that wrote to a tracked table turns the cache off until the transaction ends."""
    if _writes_tracked([*session.new, *session.dirty, *session.deleted]):
        session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    """So does an UPDATE/INSERT/DELETE on a tracked table, or any textual SQL statement."""
    if state.is_select:
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table is None or table in TRACKED_TABLES:
        state.session.info[WROTE] = True


def forget_generation(exc: BaseException | None = None) -> None:
    """At the end of each request: the next request reads the generation afresh, even when it
    shares the session's transaction (the test client inside one app context does; a served
    request gets a new session anyway)."""
    info = db.session().info
    info.pop(GENERATION, None)
    info.pop(NEXT_PRICE_DUE, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_at_transaction_end(session: Session, transaction: Any) -> None:
    """The next transaction reads the generation afresh."""
    if transaction.parent is None:
        session.info.pop(GENERATION, None)
        session.info.pop(NEXT_PRICE_DUE, None)
        session.info.pop(WROTE, None)
