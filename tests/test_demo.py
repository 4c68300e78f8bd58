"""`flask demo load` on a freshly seeded catalogue: accounts, overrides, priced usage, screens."""
from flask import url_for
from sqlalchemy import func, select

from igny8.models import Account, IntegrationSettings
from igny8.models.usage import UsageDaily, UsageRecord
from igny8.services.demo_usage import ACCOUNT_NAMES

SMALL = ["--days", "14", "--accounts", "6", "--records", "1200", "--seed", "3"]


def run(app, *args):
    """Invoke `flask ...` in the test app; the click result."""
    return app.test_cli_runner().invoke(args=list(args))


def seeded(app):
    """The app after `flask catalogue seed`, as on a fresh install."""
    result = run(app, "catalogue", "seed")
    assert result.exit_code == 0, result.output
    return app


def ledger_totals(db):
    """Record count and cost total from the records, and the same from the daily rollups."""
    records = db.session.execute(select(func.count(), func.sum(UsageRecord.cost))).one()
    daily = db.session.execute(select(func.sum(UsageDaily.records),
                                      func.sum(UsageDaily.cost))).one()
    return tuple(records), tuple(daily)


def test_demo_load_creates_accounts_overrides_and_costed_usage(app, db):
    result = run(seeded(app), "demo", "load", *SMALL)
    assert result.exit_code == 0, result.output
    assert "Created 6 accounts (2 with an override)" in result.output
    assert "ingested 1,200 usage records" in result.output
    names = set(db.session.scalars(select(Account.name)))
    assert names == set(ACCOUNT_NAMES[:6])
    assert db.session.scalar(select(func.count()).select_from(IntegrationSettings)) == 2
    (count, cost), (daily_count, daily_cost) = ledger_totals(db)
    assert count == daily_count == 1200
    assert cost == daily_cost and cost > 0


def test_demo_load_twice_is_refused_and_changes_nothing(app, db):
    assert run(seeded(app), "demo", "load", *SMALL).exit_code == 0
    before = ledger_totals(db)
    again = run(app, "demo", "load", *SMALL)
    assert again.exit_code == 1
    assert "Demo data is already loaded (6 demo accounts exist" in again.output
    assert "nothing was changed" in again.output
    assert ledger_totals(db) == before
    assert db.session.scalar(select(func.count()).select_from(Account)) == 6


def test_demo_load_refuses_a_bad_option_naming_it(app, db):
    result = run(seeded(app), "demo", "load", "--accounts", "41")
    assert result.exit_code == 1
    assert "--accounts must be 1 to 40" in result.output
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0


def test_demo_data_fills_the_credits_screens(app, db, client, auth):
    assert run(seeded(app), "demo", "load", *SMALL).exit_code == 0
    auth.login("admin")
    for endpoint in ("credits.usage", "credits.costs"):
        with app.test_request_context():
            path = url_for(endpoint)
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, endpoint
        assert ACCOUNT_NAMES[0] in page, endpoint
        assert "$" in page, endpoint
