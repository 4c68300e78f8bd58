"""Re-costing runs outside the request: a background thread per run, with its own app context
and database session, so a request that starts a run answers at once (no Redis needed).

The thread runs `recosting.run_batches`, which saves the run's progress after every batch. A
run whose process died stays 'running' and is resumed from that progress by
`flask usage recost --resume RUN_ID` or the Resume button of its page.
"""
from __future__ import annotations

import threading

from flask import Flask

from igny8.errors import DomainError
from igny8.extensions import db
from igny8.services import recosting

_threads: dict[int, threading.Thread] = {}
_threads_guard = threading.Lock()


def _work(app: Flask, run_id: int) -> None:
    """The thread's body: the whole run in an app context of its own."""
    with app.app_context():
        try:
            recosting.run_batches(run_id, app.config.get("IGNY8_RECOST_BATCH_SIZE",
                                                         recosting.BATCH_SIZE))
        except DomainError as error:
            app.logger.warning("re-costing run %s stopped: %s", run_id, error.message)
        except Exception:  # noqa: BLE001 - recorded on the run by run_batches; logged here
            app.logger.exception("re-costing run %s failed", run_id)
        finally:
            db.session.remove()


def start_in_background(app: Flask, run_id: int) -> threading.Thread:
    """Run `run_id` in a background thread of this process (one thread per run), in batches
    of the app's IGNY8_RECOST_BATCH_SIZE records (default recosting.BATCH_SIZE)."""
    with _threads_guard:
        running = _threads.get(run_id)
        if running is not None and running.is_alive():
            return running
        thread = threading.Thread(target=_work, args=(app, run_id), daemon=True,
                                  name=f"igny8-recost-{run_id}")
        _threads[run_id] = thread
        thread.start()
    return thread


def running_here(run_id: int) -> bool:
    """Whether this process has a live thread for the run."""
    thread = _threads.get(run_id)
    return thread is not None and thread.is_alive()


def wait_for(run_id: int, timeout: float | None = None) -> bool:
    """Wait for this process's thread of the run to end; whether it has ended."""
    thread = _threads.get(run_id)
    if thread is not None:
        thread.join(timeout)
    return not running_here(run_id)
