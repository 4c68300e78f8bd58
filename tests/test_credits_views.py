"""The Credits screens Usage and Costs: filters, totals, tables, chart, CSV, both roles."""
from __future__ import annotations

import csv
import io
import re

import pytest

from tests.helpers.pages import text
from igny8.models import Account
from tests.factories import AccountFactory, TextModelFactory
from tests.ledger import create_sample, utc


@pytest.fixture
def sample(db):
    """The shared sample ledger, committed."""
    return create_sample(db)


def cells(page: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells of the table with this id."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize("role", ["admin", "support"])
def test_both_roles_see_the_costs_by_day_model_and_account(client, auth, sample, role):
    auth.login(role=role)
    response = client.get("/credits/costs")
    page = text(response)
    assert response.status_code == 200
    assert 'data-total="cost">$0.081726<' in page and 'data-total="records">5<' in page
    assert "2026-11-02 to 2026-12-01 (UTC)" in page
    assert [row[0:2] + row[5:6] for row in cells(page, "costs-by-model")] == [
        ["DALL-E 3 (dall-e-3)", "1", "$0.08"], ["GPT-4o Mini (gpt-4o-mini)", "4", "$0.001726"]]
    assert [row[0] for row in cells(page, "costs-by-account")] == ["Northwind Media",
                                                                   "Acme Publishing"]
    days = cells(page, "costs-by-day")
    assert len(days) == 30 and days[0] == ["2026-12-01", "1", "$0.000001"]
    assert ["2026-11-29", "2", "$0.08015"] in days
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "<script" not in page
    assert 'href="/credits/usage"' in page and ">Costs</a>" in page  # sidebar


def test_costs_filter_by_account_and_range(client, auth, sample):
    auth.login(role="support")
    page = text(client.get(f"/credits/costs?account_id={sample.acme}"
                           "&start=2026-10-01&end=2026-11-30"))
    assert 'data-total="cost">$0.041575<' in page
    assert [row[0] for row in cells(page, "costs-by-model")] == ["DALL-E 3 (dall-e-3)",
                                                                 "GPT-4o Mini (gpt-4o-mini)"]
    assert len(cells(page, "costs-by-day")) == 61
    assert f'<option selected value="{sample.acme}">Acme Publishing</option>' in page


@pytest.mark.parametrize(("query", "message"), [
    ("start=2026-11-30&end=2026-11-01", "The end is before the start."),
    ("account_id=999", "There is no account with id 999."),
    ("model_id=x", "Not a valid model_id"),
    ("start=31.12.2026", "Not a valid start"),
])
@pytest.mark.parametrize("screen", ["costs", "usage", "usage.csv"])
def test_bad_filters_answer_400_with_the_message_at_the_field(
        client, auth, sample, query, message, screen):
    auth.login(role="admin")
    response = client.get(f"/credits/{screen}?{query}")
    page = text(response)
    assert response.status_code == 400
    assert f'<div class="invalid-feedback">{message}' in page
    assert "Fix the filters above." in page


def test_the_usage_screen_lists_records_newest_first_with_totals(client, auth, sample):
    auth.login(role="support")
    page = text(client.get(f"/credits/usage?model_id={sample.gpt}"))
    assert 'data-total="cost">$0.001726<' in page and 'data-total="records">4<' in page
    rows = cells(page, "usage-records")
    assert [(row[0], row[1], row[8], row[9], row[10]) for row in rows] == [
        ("2026-12-01 23:59:59", "Acme Publishing", "$0.000001", f"#{sample.versions['gpt']}",
         "acme_gpt_last_second"),
        ("2026-11-30 18:00:00", "Acme Publishing", "$0.0012", f"#{sample.versions['gpt']}",
         "acme_gpt_evening"),
        ("2026-11-30 10:00:00", "Acme Publishing", "$0.000375", f"#{sample.versions['gpt']}",
         "acme_gpt_morning"),
        ("2026-11-29 09:00:00", "Northwind Media", "$0.00015", f"#{sample.versions['gpt']}",
         "north_gpt")]
    assert "Older records" not in page


def test_the_usage_screen_pages_by_cursor(client, auth, sample, monkeypatch):
    monkeypatch.setattr("igny8.credits.usage_routes.PER_PAGE", 3)
    auth.login(role="admin")
    first = text(client.get("/credits/usage"))
    older = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = text(client.get(older))
    assert [row[10] for row in cells(second, "usage-records")] == ["north_dalle", "north_gpt"]
    assert "Newest</a>" in second and "Older records" not in second


def test_the_csv_download_holds_the_filtered_records(client, auth, sample):
    auth.login(role="support")
    response = client.get(f"/credits/usage.csv?account_id={sample.northwind}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="usage-2026-11-02-2026-12-01.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(row["request_id"], row["cost"], row["account"]) for row in rows] == [
        ("north_dalle", "0.08", "Northwind Media"), ("north_gpt", "0.00015", "Northwind Media")]


def test_the_costs_screen_takes_the_same_queries_for_any_range(
        client, auth, sample, count_queries):
    auth.login(role="support")
    client.get("/credits/costs")
    with count_queries() as short:
        assert client.get("/credits/costs?start=2026-11-30&end=2026-11-30").status_code == 200
    with count_queries() as year:
        assert client.get("/credits/costs?start=2025-12-01&end=2026-12-01").status_code == 200
    assert short.count == year.count


def test_archived_accounts_stay_in_the_filter_and_say_so(client, auth, db, sample):
    account = db.session.get(Account, sample.northwind)
    account.archived_at = utc(2026, 11, 30, 12)
    db.session.commit()
    auth.login(role="support")
    page = text(client.get(f"/credits/costs?account_id={sample.northwind}"))
    option = f'<option selected value="{sample.northwind}">Northwind Media (archived)</option>'
    assert option in page
    assert 'data-total="cost">$0.08015<' in page


def options_of(page: str, name: str) -> list[str]:
    """The option labels of the select named `name`."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


@pytest.mark.parametrize("url", ["/credits/costs", "/credits/usage"])
def test_the_filters_offer_the_accounts_and_models_with_usage(client, auth, db, url, sample):
    idle_account = AccountFactory(name="Idle Account")
    idle_model = TextModelFactory(display_name="Idle Model", model_name="idle-model")
    db.session.commit()
    auth.login(role="support")
    page = text(client.get(url))
    assert "Idle Account" not in options_of(page, "account_id")
    assert "Idle Model (idle-model)" not in options_of(page, "model_id")
    assert "Acme Publishing" in options_of(page, "account_id")
    assert "DALL-E 3 (dall-e-3)" in options_of(page, "model_id")
    assert "Models with usage" in page
    chosen = text(client.get(f"{url}?account_id={idle_account.id}&model_id={idle_model.id}"))
    assert "Idle Account" in options_of(chosen, "account_id")  # a selection stays shown
    assert "Idle Model (idle-model)" in options_of(chosen, "model_id")
