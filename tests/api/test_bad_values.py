"""Loosely written values to the JSON API: prices, names blank after normalisation, booleans that
are not JSON booleans, a taken name; a 4xx naming the field, nothing stored."""
import pytest

from tests.helpers.api import NEW_MODEL_FIELDS, error_of
from tests.helpers.rows import model_count


LOOSE_PRICES = ["1_000", "\u0661\u0665", " 0.15 ", "0.15 ", "1e3", "", "+1", "-0", "0x10",
                "NaN", "Infinity", "1.", ".5", "1.2.3", "1,000", "\uff11", "0.1\n"]


@pytest.mark.parametrize("price", LOOSE_PRICES)
def test_a_loosely_written_price_is_a_422_naming_it_and_nothing_is_stored(api, db, price):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "input_price_per_1m": price})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"input_price_per_1m": (
        'Not a valid price: write digits with an optional dot and no spaces or signs, '
        'e.g. "0.15".')}
    assert model_count(db) == 0


@pytest.mark.parametrize("price", ["1_000", " 0.15 ", "1e3", ""])
def test_a_loosely_written_price_in_a_patch_changes_nothing(api, db, model_and_account, price):
    model, _ = model_and_account
    before = api.get(f"/api/v1/models/{model.id}").get_json()
    response = api.patch(f"/api/v1/models/{model.id}", {"output_price_per_1m": price})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"output_price_per_1m"}
    assert api.get(f"/api/v1/models/{model.id}").get_json() == before


@pytest.mark.parametrize("price, shown", [("0.15", "0.15"), ("10", "10.00"),
                                          ("0.000001", "0.000001"), ("012.50", "12.50")])
def test_a_plainly_written_price_is_accepted(api, db, price, shown):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "input_price_per_1m": price})
    assert response.status_code == 201
    assert response.get_json()["input_price_per_1m"] == shown


@pytest.mark.parametrize("field", ["model_name", "display_name"])
@pytest.mark.parametrize("name", ["\u200b", " \u200b\u200c\u200d\ufeff ", "\u3000", "\u2060",
                                  "\u00ad", "\u3164"])
def test_a_name_blank_after_normalisation_is_a_422_naming_it(api, db, field, name):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, field: name})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {field: f"{field} is required"}
    assert model_count(db) == 0


def test_a_blank_name_in_a_patch_changes_nothing(api, db, model_and_account):
    model, _ = model_and_account
    response = api.patch(f"/api/v1/models/{model.id}", {"display_name": "\u200b\u200b"})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"display_name": "display_name is required"}
    assert api.get(f"/api/v1/models/{model.id}").get_json()["display_name"] == model.display_name


def test_an_alias_blank_after_normalisation_is_refused(api, db):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "aliases": ["ok", "\u200b"]})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"aliases": "Every alias must be a non-empty name"}
    assert model_count(db) == 0


def test_a_name_with_a_zero_width_character_inside_is_kept(api, db):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "display_name": "GPT\u200bNew"})
    assert response.status_code == 201
    assert response.get_json()["display_name"] == "GPT\u200bNew"


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_is_active_must_be_a_json_boolean(api, db, value):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "is_active": value})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"is_active"}
    assert model_count(db) == 0


def test_a_name_another_model_holds_is_a_409_and_nothing_is_stored(api, db, model_and_account):
    model, _ = model_and_account
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "provider": model.provider,
                                           "model_name": model.model_name})
    assert response.status_code == 409
    assert "already" in error_of(response)["fields"]["model_name"]
    assert model_count(db) == 1
