"""Re-costing after a price correction: the preview equals the applied result, rollups follow,
a second run changes nothing, the history records the run (both databases)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.errors import ConflictError, ValidationFailed
from igny8.models import AuditEntry
from igny8.models.usage import RecostRun, UsageRecord
from igny8.services import recosting
from tests.factories import AccountFactory, ImageModelFactory, TextModelFactory
from tests.ledger import (
    ADMIN,
    CORRECTED_FROM,
    START,
    add_records,
    add_version,
    correct_past_price,
    expected_costs,
    rollup_mismatches,
    total_cost,
)


def test_preview_counts_the_records_after_the_correction(ledger):
    model, accounts = ledger
    correct_past_price(model)

    shown = recosting.preview(model.id, START)

    assert shown.totals.records == 60
    assert shown.totals.changed == 36  # days 4-9, 2 accounts x 3 records
    assert [line.account_name for line in shown.accounts] == ["Acme", "Globex"]
    assert all(line.totals.changed == 18 for line in shown.accounts)
    assert shown.totals.after > shown.totals.before
    assert shown.totals.after == sum(expected_costs(model.id).values())
    assert shown.difference == sum(line.difference for line in shown.accounts)


def test_preview_equals_the_applied_result_and_a_second_run_changes_nothing(ledger, db):
    model, _accounts = ledger
    correct_past_price(model)
    shown = recosting.preview(model.id, START)

    run = recosting.apply_now(model.id, START, None, ADMIN, batch_size=7)

    assert (run.status, run.records_done, run.records_changed) == ("done", 60, 36)
    assert (run.total_before, run.total_after) == (shown.totals.before, shown.totals.after)
    assert total_cost(model.id) == shown.totals.after
    hand = expected_costs(model.id)
    assert {r.id: r.cost for r in db.session.scalars(select(UsageRecord))} == hand
    assert rollup_mismatches() == []
    again = recosting.apply_now(model.id, START, None, ADMIN)
    assert (again.records_done, again.records_changed) == (60, 0)
    assert again.total_before == again.total_after == shown.totals.after
    assert recosting.preview(model.id, START).totals.changed == 0
    assert rollup_mismatches() == []


def test_records_point_at_the_version_in_force_and_the_run(ledger, db):
    model, _accounts = ledger
    correct_past_price(model)

    run = recosting.apply_now(model.id, START, None, ADMIN)

    records = list(db.session.scalars(select(UsageRecord).order_by(UsageRecord.occurred_at)))
    late = [r for r in records if r.occurred_at.replace(tzinfo=timezone.utc) >= CORRECTED_FROM]
    early = [r for r in records if r not in late]
    assert {r.recost_run_id for r in late} == {run.id}
    assert {r.recost_run_id for r in early} == {None}
    assert len({r.price_version_id for r in late}) == 1
    assert {r.price_version_id for r in late} != {r.price_version_id for r in early}


def test_until_bounds_the_window(ledger):
    model, _accounts = ledger
    correct_past_price(model)

    shown = recosting.preview(model.id, START, CORRECTED_FROM + timedelta(days=2))

    assert (shown.totals.records, shown.totals.changed) == (36, 12)


def test_a_tier_cliff_is_charged_on_the_whole_request(db):
    model = TextModelFactory()
    account = AccountFactory()
    add_version(model)
    add_records(model, [account], days=1, per_day=2, input_tokens=300_000,
                cached_input_tokens=0, output_tokens=1000)
    add_version(model, START - timedelta(days=1), tier_threshold_tokens=200_000,
                tier_input_price_per_1m=Decimal("0.30"), tier_output_price_per_1m=Decimal("1.20"))
    db.session.commit()

    run = recosting.apply_now(model.id, START, None, ADMIN)

    # 300,000 x 0.30 + 1,000 x 1.20 per 1M, for each of the two records.
    assert run.total_after == 2 * Decimal("0.0912")
    assert total_cost(model.id) == run.total_after
    assert rollup_mismatches() == []


def test_an_image_model_is_recosted_per_image(db):
    model = ImageModelFactory()
    account = AccountFactory()
    add_version(model)
    add_records(model, [account], days=2, per_day=1)
    add_version(model, START - timedelta(days=1), price_per_image=Decimal("0.05"))
    db.session.commit()

    run = recosting.apply_now(model.id, START, None, ADMIN)

    assert (run.records_changed, run.total_before, run.total_after) == (
        2, Decimal("0.16"), Decimal("0.20"))


def test_the_history_records_who_the_price_change_and_the_totals(ledger, db):
    model, _accounts = ledger
    correct_past_price(model)

    run = recosting.apply_now(model.id, START, None, ADMIN)

    entries = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "recost_run").order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["create", "recost"]
    assert {e.actor_label for e in entries} == {"admin@example.com"}
    done = entries[1].changes
    assert [Decimal(v) for v in done["cost"]] == [run.total_before, run.total_after]
    assert done["records changed"] == [None, 36]
    assert done["price versions"][1].startswith("#1 from 1970-01-01 00:00: input 0.15,")
    assert "; #2 from 2026-10-05 00:00: input 0.2, cached_input 0.075, output 0.8" in done[
        "price versions"][1]
    assert run.price_change["versions"][1]["input"] == "0.2"


def test_a_done_run_is_not_run_again(ledger):
    model, _accounts = ledger
    run = recosting.apply_now(model.id, START, None, ADMIN)

    with pytest.raises(ConflictError, match="is done"):
        recosting.run_batches(run.id)


def test_a_stopped_run_resumes_from_its_saved_progress(ledger, db, monkeypatch):
    model, _accounts = ledger
    correct_past_price(model)
    run_id = recosting.start_run(model.id, START, None, ADMIN)
    calls = []

    def stop_after_two(run):
        calls.append(run.records_done)
        if len(calls) == 2:
            raise RuntimeError("the process died")

    with pytest.raises(RuntimeError):
        recosting.run_batches(run_id, batch_size=25, on_batch=stop_after_two)
    stopped = db.session.get(RecostRun, run_id)
    assert (stopped.status, stopped.records_done) == ("failed", 50)
    assert "the process died" in stopped.error
    assert rollup_mismatches() == []

    resumed = recosting.run_batches(run_id, batch_size=25)

    assert (resumed.status, resumed.records_done, resumed.records_changed) == ("done", 60, 36)
    assert total_cost(model.id) == sum(expected_costs(model.id).values())
    assert rollup_mismatches() == []


def test_records_written_during_a_run_are_in_its_batches(ledger, db):
    model, accounts = ledger
    correct_past_price(model)
    run_id = recosting.start_run(model.id, START, None, ADMIN)
    added = []

    def ingest_once(run):
        if not added:
            added.extend(add_records(model, accounts, days=1, per_day=1,
                                     start=CORRECTED_FROM + timedelta(days=1, minutes=30)))

    run = recosting.run_batches(run_id, batch_size=7, on_batch=ingest_once)

    assert len(added) == 2
    assert (run.status, run.records_done, run.records_changed) == ("done", 62, 36)
    assert {r.id: r.cost for r in db.session.scalars(select(UsageRecord))} == \
        expected_costs(model.id)
    assert rollup_mismatches() == []


@pytest.mark.parametrize("since, until, field", [
    ("", None, "since"), ("yesterday", None, "since"), ("2026-10-05", "2026-10-01", "until")])
def test_bad_dates_are_refused_naming_the_field(ledger, since, until, field):
    model, _accounts = ledger
    from igny8.services.recost_window import parse_moment

    with pytest.raises(ValidationFailed) as refused:
        recosting.preview(model.id, parse_moment(since, "since"),
                          parse_moment(until, "until", required=False))
    assert field in refused.value.fields


def test_an_unknown_model_is_refused_and_nothing_is_written(db):
    with pytest.raises(ValidationFailed) as refused:
        recosting.start_run(999999, START, None, ADMIN)
    assert refused.value.fields == {"model_id": "unknown"}
    assert db.session.scalars(select(RecostRun)).all() == []


def test_a_naive_since_is_utc():
    from igny8.services.recost_window import parse_moment

    assert parse_moment("2026-10-01", "since") == datetime(2026, 10, 1, tzinfo=timezone.utc)
    assert parse_moment("2026-10-01T12:00:00+02:00", "since") == datetime(
        2026, 10, 1, 10, tzinfo=timezone.utc)


def test_a_correction_by_the_prices_service_then_recosting(ledger, db):
    model, _accounts = ledger
    from igny8.models.prices import ModelPriceVersion
    from igny8.services import prices

    version = db.session.scalars(select(ModelPriceVersion)).one()
    prices.correct_version(version.id, {"input_price_per_1m": "0.30"}, ADMIN)
    shown = recosting.preview(model.id, START)

    run = recosting.apply_now(model.id, START, None, ADMIN)

    assert (shown.totals.changed, run.records_changed) == (60, 60)
    assert run.total_after == shown.totals.after == sum(expected_costs(model.id).values())
    assert rollup_mismatches() == []
    assert recosting.apply_now(model.id, START, None, ADMIN).records_changed == 0


def test_a_past_dated_version_by_the_prices_service_then_recosting(ledger, db):
    model, _accounts = ledger
    from igny8.services import prices

    prices.add_version(model.id, {"input_price_per_1m": "0.20", "output_price_per_1m": "0.80",
                                  "cached_input_price_per_1m": "0.075"}, ADMIN,
                       effective_from=CORRECTED_FROM.isoformat())
    shown = recosting.preview(model.id, START)

    run = recosting.apply_now(model.id, START, None, ADMIN)

    assert (shown.totals.changed, run.records_changed) == (36, 36)
    assert total_cost(model.id) == shown.totals.after == run.total_after
    assert rollup_mismatches() == []
