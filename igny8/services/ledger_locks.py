"""The ledger's locks: a model's records while a re-costing batch reads and rewrites them, and
the one executor of a re-costing run (docs/invariants.md, "A record's cost is applied once")."""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import text

from igny8.errors import ConflictError
from igny8.extensions import db
from igny8.services.locking import _is_postgresql as is_postgresql
from igny8.services.locking import _sqlite_write_lock as sqlite_write_lock

# Advisory lock namespaces after services/locking.py's (1: catalogue names, 2: accounts).
LOCK_LEDGER, LOCK_RECOST_RUN = 3, 4

_held_runs: set[int] = set()
_held_runs_guard = threading.Lock()


def lock_ledger_models(model_ids: Iterable[int], shared: bool = False) -> list[int]:
    """Lock the ledger of some models until the transaction ends, in id order: shared for
    writers that add records (ingest), exclusive for a re-costing batch, which then sees every
    record committed and none in flight. SQLite: the file's write lock."""
    wanted = sorted(set(model_ids))
    if not is_postgresql():
        sqlite_write_lock()
        return wanted
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    for model_id in wanted:
        db.session.execute(text(f"SELECT {function}(:namespace, :key)"),
                           {"namespace": LOCK_LEDGER, "key": model_id})
    return wanted


def _busy(run_id: int) -> ConflictError:
    """The refusal to run a run that another executor is running."""
    return ConflictError(f"Re-costing run {run_id} is already being run; wait for it to end",
                         {"run": "running"})


@contextmanager
def _held_in_process(run_id: int) -> Iterator[None]:
    """SQLite: one executor per run within this process."""
    with _held_runs_guard:
        if run_id in _held_runs:
            raise _busy(run_id)
        _held_runs.add(run_id)
    try:
        yield
    finally:
        with _held_runs_guard:
            _held_runs.discard(run_id)


@contextmanager
def hold_recost_run(run_id: int) -> Iterator[None]:
    """Be the one executor of a re-costing run while the block runs, else ConflictError (409).

    PostgreSQL: a session-level advisory lock on a connection of its own, released when the
    block ends or when the process dies with it, so a run left 'running' by a dead process can
    be resumed and one still running elsewhere cannot be run twice. SQLite: within the process.
    """
    if db.engine.dialect.name != "postgresql":
        with _held_in_process(run_id):
            yield
        return
    key = {"namespace": LOCK_RECOST_RUN, "key": run_id}
    with db.engine.connect() as connection:
        if not connection.scalar(text("SELECT pg_try_advisory_lock(:namespace, :key)"), key):
            raise _busy(run_id)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:namespace, :key)"), key)
            connection.commit()
