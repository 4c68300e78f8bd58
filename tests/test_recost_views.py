"""The re-costing screens: preview, apply (admin only) run outside the request, progress page,
runs list; and `flask usage recost` (both databases)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from igny8.models.usage import RecostRun
from igny8.pricing import format_usd
from igny8.services import recost_jobs, recosting
from tests.helpers.pages import text
from tests.ledger import ADMIN, START, correct_past_price, rollup_mismatches, total_cost

SINCE = START.date().isoformat()


def _preview_url(model, since=SINCE):
    return f"/credits/recost/new?model_id={model.id}&since={since}"


def test_the_preview_page_shows_counts_and_totals_per_account(client, auth, ledger):
    model, _accounts = ledger
    correct_past_price(model)
    auth.login(role="admin")
    shown = recosting.preview(model.id, START)

    page = text(client.get(_preview_url(model)))

    assert "36</strong> of 60" in page
    assert "Acme" in page and "Globex" in page
    assert format_usd(shown.totals.after) in page and format_usd(shown.difference) in page
    assert "Apply: re-cost 60 records" in page
    assert 'name="csrf_token"' in page


def test_apply_runs_outside_the_request_and_the_progress_page_shows_the_result(
        client, auth, ledger, db):
    model, _accounts = ledger
    correct_past_price(model)
    auth.login(role="admin")
    shown = recosting.preview(model.id, START)

    response = client.post("/credits/recost/new",
                           data={"model_id": model.id, "since": START.isoformat()})

    assert response.status_code == 302
    run_id = int(response.location.rsplit("/", 1)[1])
    assert recost_jobs.wait_for(run_id, timeout=60)
    db.session.expire_all()
    run = db.session.get(RecostRun, run_id)
    assert (run.status, run.records_changed, run.requested_by) == ("done", 36, auth.user.email)
    assert total_cost(model.id) == shown.totals.after
    assert rollup_mismatches() == []
    page = text(client.get(response.location))
    assert "Status: <strong>done</strong>" in page and "60 of 60" in page
    assert 'http-equiv="refresh"' not in page
    assert "#2 from 2026-10-05 00:00: input 0.2" in page
    runs = text(client.get("/credits/recost"))
    assert f"#{run_id}" in runs and auth.user.email in runs


def test_an_active_run_page_refreshes_itself(client, auth, ledger):
    model, _accounts = ledger
    auth.login(role="support")
    run_id = recosting.start_run(model.id, START, None, ADMIN)

    page = text(client.get(f"/credits/recost/{run_id}"))

    assert 'http-equiv="refresh" content="2"' in page
    assert "Status: <strong>queued</strong>" in page and "0 of 60" in page
    assert "Resume" not in page  # support may look, not act


def test_support_sees_the_preview_but_cannot_apply(client, auth, ledger, db):
    model, _accounts = ledger
    correct_past_price(model)
    auth.login(role="support")

    page = text(client.get(_preview_url(model)))
    refused = client.post("/credits/recost/new", data={"model_id": model.id, "since": SINCE})

    assert "36</strong> of 60" in page and "Only an admin can apply" in page
    assert "Apply:" not in page
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(RecostRun)) == 0


@pytest.mark.parametrize("query, message", [
    ("model_id=999999&since=2026-10-01", "model_id: no such model."),
    ("model_id={id}&since=soon", "since: 'soon' is not a date"),
    ("model_id={id}&since=2026-10-05&until=2026-10-01", "until: must be after since.")])
def test_bad_preview_input_is_a_400_naming_the_field(client, auth, ledger, query,
                                                     message):
    model, _accounts = ledger
    auth.login(role="admin")

    response = client.get("/credits/recost/new?" + query.format(id=model.id))

    assert response.status_code == 400
    assert message in text(response)


def test_the_runs_page_offers_the_preview_form_and_the_sidebar_entry(client, auth,
                                                                     ledger):
    model, _accounts = ledger
    auth.login(role="support")

    page = text(client.get("/credits/recost"))

    assert "No re-costing has been run yet." in page
    assert f'<option value="{model.id}">' in page
    assert "Re-costing runs" in page and 'href="/credits/recost"' in page


def test_cli_dry_run_writes_nothing(app, ledger, db):
    model, _accounts = ledger
    correct_past_price(model)
    before = total_cost(model.id)

    result = app.test_cli_runner().invoke(
        args=["usage", "recost", "--model", str(model.id), "--since", SINCE, "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "36 of 60 records change" in result.output
    assert "Acme (account" in result.output and "Dry run: nothing was written." in result.output
    db.session.expire_all()
    assert total_cost(model.id) == before
    assert db.session.scalar(select(func.count()).select_from(RecostRun)) == 0


def test_cli_apply_then_again_changes_nothing(app, ledger, db):
    model, _accounts = ledger
    correct_past_price(model)
    args = ["usage", "recost", "--model", str(model.id), "--since", SINCE, "--apply",
            "--batch-size", "16"]

    first = app.test_cli_runner().invoke(args=args)
    second = app.test_cli_runner().invoke(args=args)

    assert first.exit_code == 0, first.output
    assert "done: 36 of 60 records changed" in first.output
    assert "done: 0 of 60 records changed" in second.output
    db.session.expire_all()
    assert rollup_mismatches() == []
    assert total_cost(model.id) > Decimal(0)


def test_cli_resume_and_bad_input(app, ledger, db):
    model, _accounts = ledger
    correct_past_price(model)
    run_id = recosting.start_run(model.id, START, None, ADMIN)
    runner = app.test_cli_runner()

    resumed = runner.invoke(args=["usage", "recost", "--resume", str(run_id)])
    unknown = runner.invoke(args=["usage", "recost", "--model", "999999", "--since", SINCE,
                                  "--dry-run"])
    no_mode = runner.invoke(args=["usage", "recost", "--model", str(model.id)])

    assert resumed.exit_code == 0 and f"Run {run_id} done: 36 of 60" in resumed.output
    assert unknown.exit_code == 1 and "model_id: no such model." in unknown.output
    assert no_mode.exit_code == 2 and "--dry-run or --apply" in no_mode.output


def test_applying_bad_input_starts_nothing(client, auth, ledger, db):
    model, _accounts = ledger
    auth.login(role="admin")

    response = client.post("/credits/recost/new", data={"model_id": model.id, "since": "later"})

    assert response.status_code == 400
    assert "Nothing was started: since: 'later' is not a date" in text(response)
    assert db.session.scalar(select(func.count()).select_from(RecostRun)) == 0
