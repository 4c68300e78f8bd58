"""POST /api/v1/usage: counts and ids, idempotent re-sends, per-index refusals, scopes, size."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.helpers.api import error_of
from tests.helpers.rows import rollup_rows, stored_records, sums_agree
from tests.ingest_world import make_ledger
from tests.ingest_world import sent_record as record

URL = "/api/v1/usage"


@pytest.fixture
def world(db):
    """The accounts, models and price versions of tests/usage_data.py, committed."""
    return make_ledger()


def test_a_batch_is_stored_with_counts_and_ids(api, world):
    response = api.post(URL, {"records": [record(world, "a"), record(world, "b", images=0)]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    rows = stored_records()
    assert body == {"inserted": 2, "duplicates": 0, "record_ids": [r.id for r in rows]}
    assert [r.cost for r in rows] == [Decimal("0.00042")] * 2
    assert sums_agree()


def test_sending_the_same_batch_again_inserts_nothing_and_leaves_the_rollups(api, world):
    batch = {"records": [record(world, "a"), record(world, "b", output_tokens=9)]}
    first = api.post(URL, batch).get_json()
    rollups = rollup_rows()
    again = api.post(URL, batch)
    assert again.status_code == 201
    assert again.get_json() == {"inserted": 0, "duplicates": 2,
                                "record_ids": first["record_ids"]}
    assert rollup_rows() == rollups and len(stored_records()) == 2


def test_a_request_id_stored_with_other_values_is_a_409_unless_other_records_fail(api, world):
    api.post(URL, {"records": [record(world, "a")]})
    changed = api.post(URL, {"records": [record(world, "a", output_tokens=9)]})
    assert changed.status_code == 409  # the body is valid; it clashes with the stored record
    assert list(error_of(changed)["fields"]) == ["records[0].request_id"]
    mixed = api.post(URL, {"records": [record(world, "a", output_tokens=9),
                                       record(world, "b", cached_input_tokens=10**6)]})
    assert mixed.status_code == 422
    assert len(stored_records()) == 1


def test_refused_records_are_named_by_index_and_nothing_is_written(api, world):
    response = api.post(URL, {"records": [
        record(world, "good"), record(world, "bad-model", model_id=999),
        record(world, "bad-cached", input_tokens=300, cached_input_tokens=400)]})
    assert response.status_code == 422
    found = error_of(response)
    assert found["code"] == "validation_failed"
    assert found["message"] == "2 records were refused; nothing was written."
    assert found["fields"] == {
        "records[1].model_id": "no AI model has id 999",
        "records[2].cached_input_tokens": "must not exceed input_tokens (300): input_tokens "
                                          "counts every prompt token, cached ones included"}
    assert stored_records() == [] and rollup_rows() == []


@pytest.mark.parametrize("body, field", [
    ({"records": []}, "records"),
    ({}, "records"),
    ({"records": {"request_id": "x"}}, "records"),
    ({"records": [{}], "dry_run": True}, "dry_run"),
])
def test_a_malformed_batch_is_refused_with_422(api, world, body, field):
    response = api.post(URL, body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert stored_records() == []


def test_more_than_1000_records_are_refused(api, world):
    response = api.post(URL, {"records": [record(world, f"r{i}") for i in range(1001)]})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"records": "Length must be between 1 and 1000."}
    assert stored_records() == []


def test_1000_records_with_200_character_ids_fit_in_the_body_limit(api, app, world):
    records = [record(world, f"{i:04d}" + "x" * 196, account_id=world.account,
                      occurred_at="2026-03-01T10:00:00.123456+00:00", slot="openai_model",
                      input_tokens=99_999_999, cached_input_tokens=99_999_999,
                      output_tokens=99_999_999) for i in range(1000)]
    body = {"records": records}
    assert len(json.dumps(body, indent=2)) < app.config["MAX_CONTENT_LENGTH"]
    response = api.post(URL, body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["inserted"] == 1000
    assert sums_agree()


def test_a_read_key_may_not_post_usage(read_api, world):
    response = read_api.post(URL, {"records": [record(world)]})
    assert response.status_code == 403
    assert "read scope" in error_of(response)["message"]
    assert stored_records() == []


def test_posting_usage_without_a_key_is_401(api, world):
    response = api.post(URL, {"records": [record(world)]}, key=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored_records() == []


def test_a_form_encoded_batch_is_415(api, world):
    response = api.request("POST", URL, data="records=1",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert stored_records() == []
