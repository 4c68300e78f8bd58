"""The rules no OpenAPI document can state, through the API: bounds relative to today, and
comparisons between two values (a report's `start` and `end`, cached and all input tokens, the
output limit and the context window, the request ids of one batch). Each is a 422 naming its
field when the body breaks it on its own, a 409 when it is broken only with the stored model;
nothing is written. (bench/schemathesis_hooks.py keeps generated valid cases within them.)"""
import re

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.models.usage import UsageRecord
from igny8.services.usage_input import REQUEST_ID_PATTERN
from tests.factories import AccountFactory
from tests.helpers.api import error_of
from tests.ledger import version

pytestmark = pytest.mark.catalogue("api")


def tomorrow() -> str:
    return (datetime.now(timezone.utc).date() + timedelta(days=1)).isoformat()


def count(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


@pytest.mark.parametrize("url", [
    "/api/v1/usage?start=2026-11-10&end=2026-11-01",
    "/api/v1/usage?start=2026-11-10T12:00:00Z&end=2026-11-10T11:59:59Z",
    "/api/v1/usage?start=2025-01-01&end=2026-01-05",
    "/api/v1/costs?start=2026-11-10&end=2026-11-09",
    "/api/v1/costs?start=2025-01-01&end=2026-01-05",
])
def test_a_report_range_out_of_order_or_too_long_names_end(read_api, catalogue, url):
    response = read_api.get(url)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["end"]


@pytest.mark.parametrize("start, end", [("2026-11-10", "2026-11-01"),
                                        ("2025-01-01", "2026-01-05")])
def test_a_projection_period_out_of_order_or_too_long_names_end(read_api, catalogue, start,
                                                                end):
    mini, turbo = catalogue["mini"], catalogue["turbo"]
    response = read_api.get(f"/api/v1/cost/projection?from_model={mini.id}"
                            f"&to_model={turbo.id}&start={start}&end={end}")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["end"]


def test_a_range_of_366_days_in_order_is_answered(read_api, catalogue):
    assert read_api.get("/api/v1/costs?start=2025-01-01&end=2026-01-01").status_code == 200
    assert read_api.get("/api/v1/usage?start=2026-11-01&end=2026-11-01").status_code == 200


def test_prices_cannot_have_been_checked_tomorrow(api, catalogue):
    mini = catalogue["mini"]
    models, versions = count(AIModelConfig), count(ModelPriceVersion)
    created = api.post("/api/v1/models", {
        "provider": "openai", "model_type": "text", "model_name": "gpt-later",
        "display_name": "GPT later", "input_price_per_1m": "1", "output_price_per_1m": "2",
        "price_checked_on": tomorrow()})
    changed = api.patch(f"/api/v1/models/{mini.id}", {"price_checked_on": tomorrow()})
    version = api.post(f"/api/v1/models/{mini.id}/prices", {
        "input_price_per_1m": "1", "output_price_per_1m": "2", "checked_on": tomorrow()})
    for response, field in ((created, "price_checked_on"), (changed, "price_checked_on"),
                            (version, "checked_on")):
        assert response.status_code == 422
        assert list(error_of(response)["fields"]) == [field]
        assert "in the future" in error_of(response)["fields"][field]
    assert (count(AIModelConfig), count(ModelPriceVersion)) == (models, versions)
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).price_checked_on == mini.price_checked_on


def test_the_output_limit_stays_within_the_context_window(api, catalogue):
    mini = catalogue["mini"]
    models = count(AIModelConfig)
    created = api.post("/api/v1/models", {
        "provider": "openai", "model_type": "text", "model_name": "gpt-small",
        "display_name": "GPT small", "is_active": False, "context_window": 1000,
        "max_output_tokens": 2000})
    both = api.patch(f"/api/v1/models/{mini.id}",
                     {"context_window": 1000, "max_output_tokens": 2000})
    stored = api.patch(f"/api/v1/models/{mini.id}", {"max_output_tokens": 10**9})
    for response in (created, both):
        assert response.status_code == 422
        assert list(error_of(response)["fields"]) == ["max_output_tokens"]
    assert stored.status_code == 409  # beyond the stored window
    assert list(error_of(stored)["fields"]) == ["max_output_tokens"]
    assert count(AIModelConfig) == models
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).max_output_tokens == mini.max_output_tokens


@pytest.fixture
def record(catalogue):
    """`record(**changes)`: a valid usage record of a new account, changed; gpt-4o-mini is
    priced since 1970."""
    account = AccountFactory(name="Acme")
    version(catalogue["mini"], "1970-01-01", input_price_per_1m="1", output_price_per_1m="2")
    db.session.commit()

    def make(**changes):
        return {"request_id": "r-1", "account_id": account.id, "model_id": 0,
                "occurred_at": "2026-11-25T13:24:09Z", "input_tokens": 10,
                "output_tokens": 5, **changes}
    return make


@pytest.mark.parametrize("records, field", [
    ([{"occurred_at": (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()}],
     "records[0].occurred_at"),
    ([{"cached_input_tokens": 11}], "records[0].cached_input_tokens"),
    ([{}, {"input_tokens": 20}], "records[1].request_id"),
    ([{"request_id": " \u3000\t"}], "records[0].request_id"),
])
def test_a_usage_record_breaking_a_rule_is_refused_with_its_batch(
        api, catalogue, record, records, field):
    mini = catalogue["mini"]
    body = {"records": [record(model_id=mini.id, **changes) for changes in records]}
    response = api.post("/api/v1/usage", body)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]
    assert count(UsageRecord) == 0


def test_the_documented_request_id_pattern_refuses_white_space_as_the_server_does():
    pattern = re.compile(REQUEST_ID_PATTERN)
    for text in (" ", "\u3000", "\x1c\t", "\u2028 "):
        assert not text.strip() and not pattern.match(text)
    for text in ("r-1", " r ", "\u200b"):
        assert text.strip() and pattern.match(text)


def test_aliases_repeated_once_stripped_or_naming_the_model_itself_are_refused(api, client,
                                                                               catalogue):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schema["ModelCreate"]["properties"]["aliases"]["uniqueItems"] is True
    mini = catalogue["mini"]
    for aliases in (["4o", " 4o"], [mini.model_name]):
        response = api.patch(f"/api/v1/models/{mini.id}", {"aliases": aliases})
        assert response.status_code == 422
        assert list(error_of(response)["fields"]) == ["aliases"]
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).aliases == mini.aliases
