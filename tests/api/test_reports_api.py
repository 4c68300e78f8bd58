"""GET /api/v1/usage and GET /api/v1/costs: the ledger's records and sums, by a read key."""
from __future__ import annotations

import pytest

from tests.helpers.api import error_of
from tests.ledger import create_sample


@pytest.fixture
def sample(db):
    """The shared sample ledger, committed."""
    return create_sample(db)


def test_a_read_key_lists_usage_with_cost_strings_and_price_versions(read_api, sample):
    response = read_api.get(f"/api/v1/usage?account_id={sample.northwind}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["next_after"] is None and body["limit"] == 100
    assert [(item["request_id"], item["cost"], item["price_version_id"], item["model_name"])
            for item in body["items"]] == [
        ("north_dalle", "0.08", sample.versions["dalle"], "DALL-E 3 (dall-e-3)"),
        ("north_gpt", "0.00015", sample.versions["gpt"], "GPT-4o Mini (gpt-4o-mini)")]
    assert body["items"][0]["occurred_at"] == "2026-11-29T12:00:00+00:00"
    assert body["items"][0]["account_name"] == "Northwind Media"


def test_usage_pages_follow_next_after_to_the_end(read_api, sample):
    first = read_api.get("/api/v1/usage?limit=4").get_json()
    assert len(first["items"]) == 4 and first["next_after"]
    rest = read_api.get(f"/api/v1/usage?limit=4&after={first['next_after']}").get_json()
    assert [item["request_id"] for item in rest["items"]] == ["north_gpt"]
    assert rest["next_after"] is None
    october = read_api.get("/api/v1/usage?start=2026-10-01&end=2026-10-31").get_json()
    assert [item["request_id"] for item in october["items"]] == ["acme_dalle_october"]


def test_any_cursor_of_the_documented_shape_is_a_position(read_api, sample):
    everything = read_api.get("/api/v1/usage?limit=100").get_json()["items"]
    beyond = read_api.get("/api/v1/usage?after=9999999999999999-999999999999999999")
    assert beyond.status_code == 200
    assert beyond.get_json()["items"] == everything  # all were before that moment
    before = read_api.get("/api/v1/usage?after=0-0")  # 1970-01-01: nothing came before it
    assert (before.status_code, before.get_json()["items"]) == (200, [])


@pytest.mark.parametrize("after", ["not-a-cursor", "12-", "1.5-3", "x" * 300])
def test_another_cursor_is_a_422_naming_after(read_api, sample, after):
    response = read_api.get(f"/api/v1/usage?after={after}")
    assert response.status_code == 422
    assert error_of(response)["fields"]["after"] == (
        "Not a cursor from this report: follow its next link.")


@pytest.mark.parametrize(("group_by", "expected"), [
    ("model", [("DALL-E 3 (dall-e-3)", 1, "0.08"), ("GPT-4o Mini (gpt-4o-mini)", 4, "0.001726")]),
    ("account", [("Northwind Media", 2, "0.08015"), ("Acme Publishing", 3, "0.001576")]),
])
def test_costs_by_model_and_account_with_totals(read_api, sample, group_by, expected):
    response = read_api.get(f"/api/v1/costs?group_by={group_by}")
    assert response.status_code == 200
    body = response.get_json()
    assert [(row["name"], row["records"], row["cost"]) for row in body["rows"]] == expected
    assert body["totals"]["cost"] == "0.081726" and body["totals"]["records"] == 5
    assert (body["start"], body["end"]) == ("2026-11-02", "2026-12-01")


def test_costs_by_day_list_every_day_of_the_range(read_api, sample):
    body = read_api.get(f"/api/v1/costs?group_by=day&model_id={sample.gpt}"
                        "&start=2026-11-29&end=2026-12-01").get_json()
    assert [(row["day"], row["records"], row["cost"]) for row in body["rows"]] == [
        ("2026-11-29", 1, "0.00015"), ("2026-11-30", 2, "0.001575"),
        ("2026-12-01", 1, "0.000001")]
    assert body["totals"]["input_tokens"] == 6205 and body["model_id"] == sample.gpt


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/usage?account_id=999", "account_id"),
    ("/api/v1/usage?model_id=999", "model_id"),
    ("/api/v1/usage?start=yesterday", "start"),
    ("/api/v1/usage?start=2026-11-30&end=2026-11-01", "end"),
    ("/api/v1/usage?after=bogus", "after"),
    ("/api/v1/usage?limit=501", "limit"),
    ("/api/v1/usage?account=1", "account"),
    ("/api/v1/costs?group_by=week", "group_by"),
    ("/api/v1/costs?start=2024-01-01&end=2026-01-01", "end"),
    ("/api/v1/costs?end=2026-11-30T10:00:00Z", "end"),
    ("/api/v1/costs?model_id=abc", "model_id"),
])
def test_bad_filters_are_refused_naming_the_field(read_api, sample, url, field):
    response = read_api.get(url)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


def test_reports_need_a_key(read_api, sample):
    for url in ("/api/v1/usage", "/api/v1/costs"):
        response = read_api.get(url, key=None)
        assert response.status_code == 401
        assert "Authorization: Bearer" in error_of(response)["message"]


def test_the_costs_call_takes_the_same_queries_for_any_range(read_api, sample, count_queries, db):
    read_api.get("/api/v1/costs")  # the key's first use is recorded once
    counts = []
    for dates in ("start=2026-11-30&end=2026-11-30", "start=2026-01-01&end=2026-12-01"):
        db.session.remove()  # a fresh session, as each request has outside the tests
        with count_queries() as counter:
            read_api.get(f"/api/v1/costs?group_by=account&{dates}")
        counts.append(counter.count)
    # the generation with the next price due, the key, the rollup sums, the names (+ a check)
    assert counts[0] == counts[1] <= 5
