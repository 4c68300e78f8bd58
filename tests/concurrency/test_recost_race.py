"""Two re-costing runs of the same model started together over real HTTP on PostgreSQL, and a
resume racing the run it would resume: every batch locks the model's ledger before it reads,
so a record's cost difference reaches the daily rollups once, and one executor runs a run."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.models.usage import RecostRun, UsageRecord
from igny8.services import recost_jobs
from tests.factories import AccountFactory, TextModelFactory
from tests.ledger import (
    START,
    add_records,
    add_version,
    expected_costs,
    rollup_mismatches,
    total_cost,
)

ROUNDS = 5


@pytest.fixture
def small_batches(live_app):
    """Batches of 7 records, so that two runs interleave batch by batch."""
    live_app.config["IGNY8_RECOST_BATCH_SIZE"] = 7
    yield
    live_app.config.pop("IGNY8_RECOST_BATCH_SIZE")


def _corrected_ledger(store, round_number):
    """A model with 60 records over 10 days, then a version dated day 4: 36 records change."""
    model = TextModelFactory()
    accounts = [AccountFactory(), AccountFactory()]
    add_version(model)
    add_records(model, accounts)
    add_version(model, START + timedelta(days=4), input_price_per_1m=Decimal("0.20") + round_number,
                output_price_per_1m=Decimal("0.80"))
    store.session.commit()
    return model


def _run_ids(answers) -> list[int]:
    """The run ids the POSTs redirected to."""
    assert [a.status for a in answers] == [302] * len(answers), [a.text[:300] for a in answers]
    return [int(re.search(r'href="[^"]*/credits/recost/(\d+)"', a.text).group(1))
            for a in answers]


def test_two_runs_of_one_model_apply_each_difference_once(admin_client, store, fire,
                                                          small_batches):
    admins = [admin_client("admin"), admin_client("admin")]
    for round_number in range(ROUNDS):
        model = _corrected_ledger(store, round_number)
        form = {"model_id": str(model.id), "since": START.isoformat()}

        answers = fire(*(lambda c=c: c.request("POST", "/credits/recost/new", form=form)
                         for c in admins))

        run_ids = _run_ids(answers)
        assert all(recost_jobs.wait_for(run_id, 60) for run_id in run_ids)
        store.session.expire_all()
        runs = [store.session.get(RecostRun, run_id) for run_id in run_ids]
        assert [run.status for run in runs] == ["done", "done"], [run.error for run in runs]
        assert sum(run.records_changed for run in runs) == 36
        assert total_cost(model.id) == sum(expected_costs(model.id).values())
        assert rollup_mismatches() == []


def test_a_resume_racing_its_run_leaves_one_executor(admin_client, store, fire, small_batches):
    admin = admin_client("admin")
    model = _corrected_ledger(store, 0)
    started = admin.request("POST", "/credits/recost/new",
                            form={"model_id": str(model.id), "since": START.isoformat()})
    run_id = _run_ids([started])[0]

    answers = fire(*(lambda: admin.request("POST", f"/credits/recost/{run_id}/resume")
                     for _ in range(3)))

    assert [a.status for a in answers] == [302] * 3
    assert recost_jobs.wait_for(run_id, 60)
    store.session.expire_all()
    run = store.session.get(RecostRun, run_id)
    assert (run.status, run.records_done, run.records_changed) == ("done", 60, 36)
    assert rollup_mismatches() == []
    assert store.session.scalars(select(RecostRun)).all() == [run]


def _sent(model, accounts, round_number, client_number, count=30) -> dict:
    """An ingest body: records of `model` inside the re-costed window (after the correction)."""
    return {"records": [{
        "request_id": f"race-{round_number}-{client_number}-{n}",
        "account_id": accounts[n % len(accounts)], "model_id": model.id,
        "occurred_at": (START + timedelta(days=5, minutes=n)).isoformat(),
        "input_tokens": 2000 + n, "cached_input_tokens": 50, "output_tokens": 300}
        for n in range(count)]}


def test_a_run_racing_ingest_of_its_model_keeps_rollups_and_costs_exact(
        api, admin_client, store, fire, small_batches):
    admin = admin_client("admin")
    for round_number in range(ROUNDS):
        model = _corrected_ledger(store, round_number)
        accounts = sorted(set(store.session.scalars(
            select(UsageRecord.account_id).where(UsageRecord.model_id == model.id))))
        form = {"model_id": str(model.id), "since": START.isoformat()}
        calls = [lambda: admin.request("POST", "/credits/recost/new", form=form)]
        calls += [lambda n=n: api.request("POST", "/api/v1/usage",
                                          _sent(model, accounts, round_number, n))
                  for n in range(3)]

        answers = fire(*calls)

        assert [a.status for a in answers[1:]] == [201] * 3, [a.text for a in answers[1:]]
        run_id = _run_ids(answers[:1])[0]
        assert recost_jobs.wait_for(run_id, 60)
        store.session.expire_all()
        run = store.session.get(RecostRun, run_id)
        assert (run.status, run.records_changed) == ("done", 36), run.error
        assert total_cost(model.id) == sum(expected_costs(model.id).values())
        assert rollup_mismatches() == []
