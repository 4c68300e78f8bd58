"""Hostile or malformed text and ids in the JSON API: NUL characters, lone surrogates, ids out of
range or not written canonically; a 4xx in the API's error shape, never a 500."""
import pytest

from tests.helpers.api import NEW_MODEL_FIELDS, error_of
from tests.helpers.rows import model_count


HUGE = "9" * 30
NUL_MESSAGE = "Must not contain a NUL (\\x00) character."


@pytest.mark.parametrize("url, field", [
    ("/api/v1/models?q=%00", "q"),
    ("/api/v1/models?provider=open%00ai", "provider"),
])
def test_nul_in_a_query_parameter_is_a_400_naming_it(api, url, field):
    response = api.get(url)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_request"
    assert error["fields"] == {field: NUL_MESSAGE}
    assert error["message"] == f"The request has invalid fields: {field}."


@pytest.mark.parametrize("change, field", [
    ({"model_name": "gpt\x00"}, "model_name"),
    ({"aliases": ["ok", "b\x00d"]}, "aliases.1"),
    ({"notes": "\x00"}, "notes"),
])
def test_nul_in_a_posted_json_string_is_a_400_and_nothing_is_stored(api, db, change, field):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, **change})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {field: NUL_MESSAGE}
    assert model_count(db) == 0


def test_nul_in_a_patched_json_string_is_a_400_and_nothing_changes(api, db, model_and_account):
    model, _ = model_and_account
    before = model.display_name
    response = api.patch(f"/api/v1/models/{model.id}", {"display_name": "X\x00"})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"display_name": NUL_MESSAGE}
    db.session.expire_all()
    assert model.display_name == before


def test_nul_in_a_json_key_is_named(api, db):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "no\x00te": "x"})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"no\\x00te": NUL_MESSAGE}


@pytest.mark.parametrize("method, url", [
    ("get", f"/api/v1/models/{HUGE}"),
    ("patch", f"/api/v1/models/{2**63}"),
    ("delete", f"/api/v1/models/{HUGE}"),
    ("get", f"/api/v1/accounts/{HUGE}/integration-settings"),
    ("patch", f"/api/v1/accounts/{HUGE}/integration-settings"),
])
def test_out_of_range_ids_in_the_path_are_404(api, method, url):
    response = api.request(method.upper(), url, {} if method == "patch" else None)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("query, field", [
    ("page=99999999999999999999", "page"),
    ("page=1000001", "page"),
    ("per_page=99999999999999999999", "per_page"),
])
def test_out_of_range_page_is_a_422_naming_it(api, query, field):
    response = api.get(f"/api/v1/models?{query}")
    assert response.status_code == 422
    error = error_of(response)
    assert set(error["fields"]) == {field}
    assert error["message"] == f"The request has invalid fields: {field}."


def test_the_largest_page_allowed_is_simply_empty(api, model_and_account):
    response = api.get("/api/v1/models?page=1000000")
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_a_huge_model_id_in_account_settings_is_a_422(api, db, model_and_account):
    _, account = model_and_account
    response = api.patch(f"/api/v1/accounts/{account.id}/integration-settings",
                         {"text_model": 10**30})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"text_model"}


@pytest.mark.parametrize("change, field", [
    ({"model_name": "gpt\ud800"}, "model_name"),
    ({"display_name": "\udfff"}, "display_name"),
    ({"notes": "a\udc00b"}, "notes"),
    ({"price_source": "\ud83d"}, "price_source"),
    ({"aliases": ["ok", "x\ud800"]}, "aliases.1"),
    ({"provider": "\ud800"}, "provider"),
    ({"no\ud800te": "x"}, "no\\ud800te"),
])
def test_a_lone_surrogate_is_a_400_naming_the_field_and_nothing_is_stored(api, db, change, field):
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, **change})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        field: "Must not contain a lone UTF-16 surrogate (\\ud800-\\udfff)."}
    assert model_count(db) == 0


def test_a_lone_surrogate_in_a_patch_leaves_the_model_readable(api, db, model_and_account):
    model, _ = model_and_account
    response = api.patch(f"/api/v1/models/{model.id}", {"display_name": "\ud800"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"display_name"}
    page = api.get(f"/api/v1/models/{model.id}")
    assert page.status_code == 200 and page.get_json()["display_name"] == model.display_name


@pytest.mark.parametrize("method, url", [
    ("get", "/api/v1/models/0001"),
    ("get", "/api/v1/models/01"),
    ("get", "/api/v1/models/0"),
    ("patch", "/api/v1/models/0001"),
    ("delete", "/api/v1/models/+1"),
    ("get", "/api/v1/models/1.0"),
    ("get", "/api/v1/accounts/007/integration-settings"),
])
def test_ids_not_written_canonically_are_404(api, db, model_and_account, method, url):
    response = api.request(method.upper(), url, {} if method == "patch" else None)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert model_count(db) == 1


def test_the_canonical_id_still_answers(api, model_and_account):
    model, _ = model_and_account
    assert api.get(f"/api/v1/models/{model.id}").status_code == 200
