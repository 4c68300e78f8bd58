"""Re-costing after a price correction: a preview of what changes, then a run that recomputes a
model's records and their daily rollups in batches at the prices in force now.

A record's new cost is `costing.cost_of` with the version in force at its `occurred_at` as the
price versions stand now (computed in SQL by services/usage_store/recost.py, never by loading
the records). Each batch runs in its own transaction under the model's ledger lock
(services/ledger_locks.py), updates the records that change, adds the per (account, model,
day) cost differences to the rollups and saves the run's progress, so a run stopped anywhere
resumes where it stood, and running it again changes nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from igny8.errors import ConflictError, ValidationFailed
from igny8.extensions import db
from igny8.models.accounts import Account
from igny8.models.base import utcnow
from igny8.models.catalogue import AIModelConfig
from igny8.models.usage import RecostRun
from igny8.services import audit, recost_window
from igny8.services.ledger_locks import hold_recost_run, lock_ledger_models
from igny8.services.unit_of_work import Entry, commit, unit_of_work
from igny8.services.usage_store import recost, rollups

BATCH_SIZE = 20_000
ACTIVE = ("queued", "running")


@dataclass
class AccountLine:
    """One account's records in a preview: totals now and after re-costing."""

    account_id: int
    account_name: str
    totals: recost.Totals

    @property
    def difference(self) -> Decimal:
        """What re-costing adds to the account's cost (negative: it lowers it)."""
        return self.totals.after - self.totals.before


@dataclass
class Preview:
    """What a re-costing of a model since a time would change, before anything is written."""

    model_id: int
    model_name: str
    model_type: str
    since: datetime
    until: datetime | None
    totals: recost.Totals
    accounts: list[AccountLine] = field(default_factory=list)
    versions: list[dict] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        """What re-costing adds to the model's cost in the window."""
        return self.totals.after - self.totals.before


def _window(model_id: int, since: datetime, until: datetime | None):
    """The model and the window of its records re-costed at the versions as they stand now."""
    model = recost_window.model_of(model_id)
    return model, recost_window.window_of(model, since, until)


def preview(model_id: int, since: datetime, until: datetime | None = None) -> Preview:
    """How many records of the model in [since, until) change, and old vs new totals per
    account and in all, at the prices in force now; nothing is written."""
    model, window = _window(model_id, since, until)
    by_account = recost.preview_by_account(window)
    names = dict(db.session.execute(
        select(Account.id, Account.name).where(Account.id.in_(list(by_account)))).all())
    totals = recost.Totals()
    for account_totals in by_account.values():
        totals.add(account_totals)
    accounts = [AccountLine(account_id, names.get(account_id, f"#{account_id}"), found)
                for account_id, found in by_account.items()]
    return Preview(model.id, model.display_name, model.model_type, since, until, totals,
                   accounts, recost_window.describe_spans(window))


def _run_entry(run: RecostRun, action: str, changes: dict) -> Entry:
    """A history entry on a run."""
    return Entry(action, "recost_run", run.id, f"Re-costing run {run.id}", changes)


def start_run(model_id: int, since: datetime, until: datetime | None, actor: audit.Actor,
              price_change: dict | None = None) -> int:
    """Record a queued run of what `preview` shows (credited to `actor`); its id. The work is
    done by `run_batches`, outside the request (services/recost_jobs.py) or in the CLI."""
    shown = preview(model_id, since, until)
    change = {"versions": shown.versions, **(price_change or {})}
    run = RecostRun(model_id=model_id, since=since, until=until, status="queued",
                    requested_by=actor.name, price_change=audit.json_safe(change),
                    records_total=shown.totals.records)
    db.session.add(run)
    with unit_of_work(actor, f"Re-costing run of {shown.model_name}") as work:
        work.record(lambda: [_run_entry(run, "create", {
            "model": [None, shown.model_name], "since": [None, since],
            "until": [None, until], "records": [None, shown.totals.records],
            "previewed changes": [None, shown.totals.changed],
            "cost": [shown.totals.before, shown.totals.after],
            "price versions": [None, recost_window.change_text(shown.versions)]})])
    return run.id


def _load_run(run_id: int) -> RecostRun:
    """The run as committed now, or ValidationFailed naming it."""
    run = db.session.get(RecostRun, run_id, populate_existing=True)
    if run is None:
        raise ValidationFailed(f"run: no re-costing run {run_id}.", {"run": "unknown"})
    return run


def _begin(run_id: int, size: int) -> tuple[int, list[int]]:
    """Mark the run running; the id after which its next batch starts (its saved progress)
    and the planned ends of the full batches after it."""
    run = _load_run(run_id)
    if run.status == "done":
        raise ConflictError(f"Re-costing run {run_id} is done; start a new one to re-cost again",
                            {"run": "done"})
    _model, window = _window(run.model_id, run.since, run.until)
    after_id = recost.resume_point(window, run.records_done) if window.spans else 0
    planned = recost.batch_ends(window, after_id, size) if window.spans else []
    run.status, run.error = "running", ""
    run.started_at = run.started_at or utcnow()
    commit(audit.SYSTEM, f"Re-costing run {run_id}")
    return after_id, planned


def _batch(run_id: int, after_id: int, size: int, planned_end: int | None = None) -> int | None:
    """One batch in its own transaction, under the model's ledger lock: records, rollups and
    the run's progress together; the batch's last id, or None when no record is left.

    Batches are id ranges, so a record ingested during the run falls in a range still to come
    or, past the planned ends, in the batches found after them."""
    model_id = _load_run(run_id).model_id
    lock_ledger_models([model_id])
    run = _load_run(run_id)
    _model, window = _window(model_id, run.since, run.until)
    last_id = planned_end
    if last_id is None and window.spans:
        last_id = recost.batch_end(window, after_id, size)
    if last_id is None:
        db.session.rollback()
        return None
    totals, deltas = recost.recost_batch(window, after_id, last_id, run_id)
    rollups.apply_deltas(deltas)
    run.records_done += totals.records
    run.records_changed += totals.changed
    run.total_before += totals.before
    run.total_after += totals.after
    commit(audit.SYSTEM, f"Re-costing run {run_id}")
    return last_id


def _finish(run_id: int) -> RecostRun:
    """Mark the run done and add its history entry: who asked, the price change, the totals."""
    run = _load_run(run_id)
    run.status, run.finished_at = "done", utcnow()
    run.records_total = max(run.records_total, run.records_done)
    entry = _run_entry(run, "recost", {
        "status": ["running", "done"], "records": [None, run.records_done],
        "records changed": [None, run.records_changed],
        "cost": [run.total_before, run.total_after],
        "price versions": [None, recost_window.change_text(run.price_change.get("versions", []))]})
    commit(audit.as_actor(run.requested_by), f"Re-costing run {run_id}", [entry])
    return run


def _fail(run_id: int, error: Exception) -> None:
    """Record why the run stopped; the batches done so far stay (resume goes on from there)."""
    db.session.rollback()
    run = _load_run(run_id)
    run.status, run.finished_at = "failed", utcnow()
    run.error = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
    commit(audit.SYSTEM, f"Re-costing run {run_id}")


def run_batches(run_id: int, batch_size: int = BATCH_SIZE,
                on_batch: Callable[[RecostRun], None] | None = None) -> RecostRun:
    """Run (or resume) a queued, running or failed run to the end, batch after batch;
    ConflictError when it is done or another executor runs it."""
    with hold_recost_run(run_id):
        after_id, planned = _begin(run_id, batch_size)
        try:
            for planned_end in planned:
                after_id = _batch(run_id, after_id, batch_size, planned_end)
                _report(run_id, on_batch)
            while (last_id := _batch(run_id, after_id, batch_size)) is not None:
                after_id = last_id
                _report(run_id, on_batch)
            return _finish(run_id)
        except Exception as error:
            _fail(run_id, error)
            raise


def _report(run_id: int, on_batch: Callable[[RecostRun], None] | None) -> None:
    """Tell the caller the run's progress after a batch."""
    if on_batch is not None:
        on_batch(_load_run(run_id))


def apply_now(model_id: int, since: datetime, until: datetime | None, actor: audit.Actor,
              on_batch: Callable[[RecostRun], None] | None = None,
              batch_size: int = BATCH_SIZE) -> RecostRun:
    """Start a run and run it here to the end (the CLI's --apply)."""
    return run_batches(start_run(model_id, since, until, actor), batch_size, on_batch)


def get_run(run_id: int) -> RecostRun | None:
    """One run, or None."""
    return db.session.get(RecostRun, run_id)


def model_names(runs: list[RecostRun]) -> dict[int, str]:
    """The display names of the runs' models, in one query."""
    ids = {run.model_id for run in runs}
    return dict(db.session.execute(select(AIModelConfig.id, AIModelConfig.display_name)
                                   .where(AIModelConfig.id.in_(ids))).all())


def recent_runs(limit: int = 100) -> list[RecostRun]:
    """The latest runs, newest first."""
    return list(db.session.scalars(select(RecostRun).order_by(RecostRun.id.desc()).limit(limit)))
