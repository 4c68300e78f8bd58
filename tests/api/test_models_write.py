"""/api/v1/models: creating, changing and deleting models, each recorded in the history."""
from decimal import Decimal

import pytest

from igny8.models import AIModelConfig
from tests.helpers.api import error_of
from tests.helpers.rows import audit_rows, commit, model_count
from tests.factories import GlobalSettingsFactory, IntegrationSettingsFactory

MISSING = object()
NEW_MODEL = {
    "provider": "anthropic", "model_type": "text", "model_name": "claude-3-haiku-20240307",
    "display_name": "Claude 3 Haiku", "is_active": True, "input_price_per_1m": "0.25",
    "output_price_per_1m": "1.25", "cached_input_price_per_1m": "0.03",
    "context_window": 200000, "max_output_tokens": 4096, "aliases": ["claude-3-haiku"],
    "deprecation_date": "2026-03-01", "notes": "cheap", "price_source": "anthropic.com",
    "price_checked_on": "2025-12-01",
}


def test_create_stores_every_field_and_records_the_api_key(api, db):
    response = api.post("/api/v1/models", NEW_MODEL)
    assert response.status_code == 201
    body = response.get_json()
    model = db.session.get(AIModelConfig, body["id"])
    assert model.input_price_per_1m == Decimal("0.25") and model.origin == "api"
    assert model.aliases == ["claude-3-haiku"] and str(model.deprecation_date) == "2026-03-01"
    assert body["cached_input_price_per_1m"] == "0.03" and body["notes"] == "cheap"
    [entry] = audit_rows(db)
    assert (entry.action, entry.actor_label, entry.object_id) == (
        "create", "api-key:integration", str(model.id))


@pytest.mark.parametrize("change,field", [
    ({"provider": MISSING}, "provider"),
    ({"model_name": ""}, "model_name"),
    ({"provider": "mistral"}, "provider"),
    ({"input_price_per_1m": None}, "input_price_per_1m"),  # active text model needs it
    ({"input_price_per_1m": "-1"}, "input_price_per_1m"),
    ({"input_price_per_1m": "0.1234567"}, "input_price_per_1m"),
    ({"input_price_per_1m": "abc"}, "input_price_per_1m"),
    ({"input_price_per_1m": 0.25}, "input_price_per_1m"),  # a float, not a string
    ({"input_price_per_1m": "NaN"}, "input_price_per_1m"),
    ({"context_window": "128000"}, "context_window"),
    ({"context_window": 1.5}, "context_window"),
    ({"context_window": True}, "context_window"),
    ({"context_window": 0}, "context_window"),
    ({"is_active": "maybe"}, "is_active"),
    ({"aliases": "claude"}, "aliases"),
    ({"aliases": ["claude-3-haiku-20240307"]}, "aliases"),
    ({"deprecation_date": "next year"}, "deprecation_date"),
    ({"colour": "blue"}, "colour"),
])
def test_create_refuses_bad_fields_with_422_and_writes_nothing(api, db, change, field):
    body = {k: v for k, v in {**NEW_MODEL, **change}.items() if v is not MISSING}
    response = api.post("/api/v1/models", body)
    assert response.status_code == 422, response.get_json()
    error = error_of(response)
    assert field in error["fields"], error
    assert field in error["message"] or error["fields"][field] in error["message"]
    assert model_count(db) == 0 and audit_rows(db) == []


def test_create_refuses_a_duplicate_name(api, db, catalogue):
    response = api.post("/api/v1/models", {**NEW_MODEL, "provider": "openai",
                                           "model_name": "gpt-4o-mini", "aliases": []})
    assert response.status_code == 409  # another model holds the name: a conflict
    assert "already has a model named" in error_of(response)["fields"]["model_name"]
    assert model_count(db) == 4


@pytest.mark.parametrize("data,content_type,status", [
    ('{"provider": "openai",', "application/json", 400),
    ("", "application/json", 422),  # no body: every required field is missing
    ("[1, 2]", "application/json", 422),
    ('"text"', "application/json", 422),
    ("provider=openai", "application/x-www-form-urlencoded", 415),
    (NEW_MODEL.__repr__(), "text/plain", 415),
])
def test_malformed_or_non_json_bodies_are_4xx_never_500(api, db, data, content_type, status):
    response = api.request("POST", "/api/v1/models", data=data, content_type=content_type)
    assert response.status_code == status, response.get_json()
    assert error_of(response)["message"]
    assert model_count(db) == 0


def test_patch_changes_only_the_fields_sent_and_records_them(api, db, catalogue):
    mini = catalogue["mini"]
    response = api.patch(f"/api/v1/models/{mini.id}",
                         {"output_price_per_1m": "0.5", "version": 1, "notes": "cut"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["output_price_per_1m"] == "0.50" and body["version"] == 2
    assert body["input_price_per_1m"] == "0.15" and body["display_name"] == "GPT-4o Mini"
    [entry] = audit_rows(db)
    assert entry.actor_label == "api-key:integration" and entry.action == "update"
    assert entry.changes["output_price_per_1m"] == ["0.60", "0.50"]


def test_patch_with_a_stale_version_is_409_and_writes_nothing(api, db, catalogue):
    mini = catalogue["mini"]
    assert api.patch(f"/api/v1/models/{mini.id}", {"notes": "first"}).status_code == 200
    response = api.patch(f"/api/v1/models/{mini.id}", {"notes": "second", "version": 1})
    assert response.status_code == 409
    assert "changed by someone else" in error_of(response)["message"]
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).notes == "first"


@pytest.mark.parametrize("body,field", [
    ({"display_name": "x" * 151}, "display_name"),
    ({"version": "1"}, "version"),
    ({"id": 5}, "id"),
])
def test_patch_refuses_bad_fields_with_422(api, db, catalogue, body, field):
    response = api.patch(f"/api/v1/models/{catalogue['mini'].id}", body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    db.session.expire_all()
    assert db.session.get(AIModelConfig, catalogue["mini"].id).version == 1


def test_a_change_leaving_the_stored_model_active_without_its_prices_is_a_409(api, db, catalogue):
    # The fields are each valid; together with what is stored they break a catalogue rule.
    response = api.patch(f"/api/v1/models/{catalogue['mini'].id}",
                         {"is_active": True, "model_type": "image"})
    assert response.status_code == 409
    assert "price_per_image" in error_of(response)["fields"]
    db.session.expire_all()
    assert db.session.get(AIModelConfig, catalogue["mini"].id).version == 1


def test_deactivating_a_global_default_is_409_naming_the_slot(api, db, catalogue):
    GlobalSettingsFactory(openai_model=catalogue["mini"])
    commit()
    response = api.patch(f"/api/v1/models/{catalogue['mini'].id}",
                         {"is_active": False, "notes": "retired"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "in_use" and "OpenAI text model" in error["fields"]["is_active"]
    db.session.expire_all()
    model = db.session.get(AIModelConfig, catalogue["mini"].id)
    assert model.is_active and model.notes == ""


def test_deactivating_an_unused_model_works(api, db, catalogue):
    response = api.patch(f"/api/v1/models/{catalogue['claude'].id}", {"is_active": False})
    assert response.status_code == 200 and response.get_json()["is_active"] is False


def test_patch_and_delete_of_an_unknown_model_are_404(api):
    assert api.patch("/api/v1/models/424242", {"notes": "x"}).status_code == 404
    assert api.delete("/api/v1/models/424242").status_code == 404


def test_delete_removes_an_unused_model_and_records_it(api, db, catalogue):
    response = api.delete(f"/api/v1/models/{catalogue['turbo'].id}")
    assert response.status_code == 204 and response.data == b""
    assert db.session.get(AIModelConfig, catalogue["turbo"].id) is None
    [entry] = audit_rows(db)
    assert (entry.action, entry.actor_label) == ("delete", "api-key:integration")


def test_delete_of_a_model_in_use_is_409_listing_its_users(api, db, catalogue):
    GlobalSettingsFactory(openai_model=catalogue["mini"])
    IntegrationSettingsFactory(account__name="Acme",
                               config={"openai_model_id": catalogue["mini"].id})
    commit()
    response = api.delete(f"/api/v1/models/{catalogue['mini'].id}")
    assert response.status_code == 409
    message = error_of(response)["message"]
    assert "global setting OpenAI text model" in message and "account Acme" in message
    assert model_count(db) == 4 and audit_rows(db) == []


def test_unknown_paths_and_methods_answer_json(api):
    missing = api.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = api.request("PUT", "/api/v1/models", {"x": 1})
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"] and "POST" in wrong.headers["Allow"]


def test_a_change_both_taking_a_name_and_leaving_prices_missing_is_a_409(api, db, catalogue):
    response = api.patch(f"/api/v1/models/{catalogue['mini'].id}",
                         {"model_type": "image", "is_active": True,
                          "model_name": catalogue["turbo"].model_name})
    assert response.status_code == 409
    assert {"model_name", "price_per_image", "is_active"} <= set(error_of(response)["fields"])
    db.session.expire_all()
    assert db.session.get(AIModelConfig, catalogue["mini"].id).version == 1


def test_a_new_model_with_a_blank_name_and_a_taken_one_stays_a_422(api, db, catalogue):
    response = api.post("/api/v1/models", {"provider": "openai", "model_type": "text",
                                           "model_name": "gpt-4o-mini", "display_name": "\u200b"})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"model_name", "display_name"}
