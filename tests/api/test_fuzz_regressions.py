"""Inputs a schema-driven fuzzer found: each is refused naming the field or answered, never 500."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from igny8.models import Account
from igny8.services.text import VISIBLE_NO_CONTROL_PATTERN
from tests.factories import AccountFactory, TextModelFactory
from tests.helpers.api import error_of
from tests.ledger import create_sample

HUGE = 10**30  # beyond BIGINT: no row can have this id
NUL_MESSAGE = "Must not contain a NUL (\\x00) character."


@pytest.fixture
def pair(db):
    """Two text models and an account, committed: (source id, target id, account id)."""
    source, target = TextModelFactory(model_name="src"), TextModelFactory(model_name="dst")
    account = AccountFactory(name="Acme")
    db.session.commit()
    return source.id, target.id, account.id


def projection(source, target, start="2026-11-01", end="2026-11-02", **more) -> str:
    """The projection URL for these parameters."""
    extra = "".join(f"&{name}={value}" for name, value in more.items())
    return (f"/api/v1/cost/projection?from_model={source}&to_model={target}"
            f"&start={start}&end={end}{extra}")


@pytest.mark.parametrize("field", ["from_model", "to_model", "account"])
def test_a_projection_id_beyond_bigint_is_422_naming_it(read_api, pair, field):
    ids = {"from_model": pair[0], "to_model": pair[1], "account": pair[2], field: HUGE}
    response = read_api.get(projection(ids.pop("from_model"), ids.pop("to_model"), **ids))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_projection_on_the_calendars_first_or_last_day_is_answered(read_api, pair, day):
    response = read_api.get(projection(pair[0], pair[1], start=day, end=day))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["period"] == {"start": day, "end": day} and body["records"] == 0


@pytest.mark.parametrize("url, start, end", [
    ("/api/v1/costs?start=9999-12-30&end=9999-12-31&group_by=day", "9999-12-30", "9999-12-31"),
    ("/api/v1/costs?end=0001-01-05", "0001-01-01", "0001-01-05"),
    ("/api/v1/costs?start=0001-01-01&end=0001-01-01", "0001-01-01", "0001-01-01"),
])
def test_costs_at_the_calendars_ends_are_empty_reports(read_api, db, url, start, end):
    create_sample(db)
    response = read_api.get(url)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["start"], body["end"], body["totals"]["records"]) == (start, end, 0)


@pytest.mark.parametrize("query", [
    "end=9999-12-31", "start=9999-12-31&end=9999-12-31T23:59:59.999999Z",
    "start=0001-01-01T00:00:00%2B05:00&end=0001-01-02", "end=0001-01-05",
    "account_id=1&model_id=1&start=9999-12-31",
])
def test_usage_at_the_calendars_ends_is_an_empty_page(read_api, db, query):
    create_sample(db)
    response = read_api.get(f"/api/v1/usage?{query}")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["items"] == []


@pytest.mark.parametrize("field", ["account_id", "model_id"])
def test_a_report_id_beyond_bigint_is_422_naming_it(read_api, db, field):
    response = read_api.get(f"/api/v1/usage?{field}={HUGE}")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


@pytest.mark.parametrize("name", ["Acme\x9cPublishing", "\x07Acme", "Acme\x7f"])
def test_an_account_name_with_a_control_character_is_422_and_documented(api, db, name):
    response = api.post("/api/v1/accounts", {"name": name})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"name": "must not contain control characters"}
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0
    assert not re.match(VISIBLE_NO_CONTROL_PATTERN, name)


def test_white_space_controls_fold_into_one_space_as_the_pattern_allows(api, db):
    response = api.post("/api/v1/accounts", {"name": "Acme\t\x85Publishing"})
    assert response.status_code == 201
    assert response.get_json()["name"] == "Acme Publishing"
    assert re.match(VISIBLE_NO_CONTROL_PATTERN, "Acme\t\x85Publishing")


def test_a_rename_with_a_control_character_is_422_and_keeps_the_name(api, db):
    account = AccountFactory(name="Acme")
    db.session.commit()
    response = api.patch(f"/api/v1/accounts/{account.id}", {"name": "Ac\x9cme", "version": 1})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"name": "must not contain control characters"}
    db.session.expire_all()
    assert db.session.get(Account, account.id).name == "Acme"


@pytest.mark.parametrize("field", ["q", "provider"])
def test_a_nul_in_an_export_filter_is_400_naming_it(read_api, db, field):
    response = read_api.get(f"/api/v1/models/export?{field}=a%00b")
    assert response.status_code == 400
    assert error_of(response)["fields"] == {field: NUL_MESSAGE}


def parameters(client, path: str) -> dict[str, dict]:
    """The query parameters of GET `path` by name, as the document states them."""
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][path]["get"]
    return {param["name"]: param["schema"] for param in operation["parameters"]}


def test_the_document_states_the_bounds_and_formats_the_server_checks(client):
    usage, costs = parameters(client, "/api/v1/usage"), parameters(client, "/api/v1/costs")
    projected = parameters(client, "/api/v1/cost/projection")
    for schema in (usage["account_id"], costs["model_id"], *[projected[name] for name in (
            "from_model", "to_model", "account")]):
        assert (schema["minimum"], schema["maximum"]) == (1, 2**63 - 1)
    assert usage["start"]["anyOf"] == [{"format": "date"}, {"format": "date-time"}]
    assert costs["end"]["format"] == "date"
    export = parameters(client, "/api/v1/models/export")
    assert export["q"]["pattern"] == export["provider"]["pattern"] == "^[^\\x00]*$"
    create = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert create["AccountCreate"]["properties"]["name"]["pattern"] == VISIBLE_NO_CONTROL_PATTERN


def test_a_display_name_another_model_holds_is_409_like_a_taken_name(api, db):
    TextModelFactory(model_name="gpt-4o-mini", display_name="GPT-4o Mini")
    other = TextModelFactory(model_name="gpt-4.1-mini", display_name="GPT-4.1 Mini")
    db.session.commit()
    response = api.patch(f"/api/v1/models/{other.id}", {"display_name": "gpt-4o mini"})
    assert response.status_code == 409
    assert error_of(response)["fields"] == {
        "display_name": "openai already has a model displayed as 'GPT-4o Mini' (gpt-4o-mini);"
                        " choose another display name"}
    db.session.expire_all()
    assert db.session.get(type(other), other.id).display_name == "GPT-4.1 Mini"


@pytest.mark.parametrize("url, field", [
    ("/api/v1/usage?start=", "start"), ("/api/v1/usage?end=", "end"),
    ("/api/v1/costs?start=", "start"), ("/api/v1/costs?end=", "end"),
])
def test_an_empty_report_date_is_422_naming_it(read_api, db, url, field):
    response = read_api.get(url)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_whose_successor_is_filtered_out_names_it(read_api, db, fmt):
    new = TextModelFactory(model_name="gpt-5-mini")
    db.session.flush()
    TextModelFactory(model_name="gpt-4o-mini", is_active=False, successor_id=new.id)
    db.session.commit()
    response = read_api.get(f"/api/v1/models/export?format={fmt}&is_active=false")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "gpt-4o-mini" in text and "gpt-5-mini" in text


@pytest.mark.parametrize("method, url_of, body, field", [
    ("post", lambda model: "/api/v1/models", {
        "provider": "openai", "model_type": "text", "model_name": "gpt-next",
        "display_name": "GPT next", "is_active": False, "successor_id": HUGE}, "successor_id"),
    ("patch", lambda model: f"/api/v1/models/{model.id}", {"successor_id": HUGE},
     "successor_id"),
    ("post", lambda model: f"/api/v1/models/{model.id}/replace", {"target_id": -3},
     "target_id"),
])
def test_a_model_reference_out_of_range_is_422_naming_it(api, db, method, url_of, body,
                                                         field):
    model = TextModelFactory(model_name="gpt-4o-mini")
    db.session.commit()
    response = getattr(api, method)(url_of(model), body)
    assert response.status_code == 422  # was a 500 (SQLite INTEGER overflow) for the successor
    assert list(error_of(response)["fields"]) == [field]


def test_the_cursor_is_documented_with_its_own_pattern_and_a_trailing_newline_is_refused(
        client, read_api, db):
    after = parameters(client, "/api/v1/usage")["after"]
    assert after["pattern"] == r"^[0-9]{1,16}-[0-9]{1,18}$"
    response = read_api.get("/api/v1/usage?after=1764588000000000-12%0A")
    assert response.status_code == 422 and list(error_of(response)["fields"]) == ["after"]
