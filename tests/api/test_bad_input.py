"""Hostile or malformed input to the JSON API: a 4xx in the API's error shape, never a 500."""
import io
import json

import pytest

from tests.helpers.api import check_error_shape, error_of, openapi_for
from tests.helpers.rows import commit, model_count
from tests.factories import AccountFactory, TextModelFactory

HUGE = "9" * 30
NEW_MODEL_FIELDS = {"provider": "openai", "model_type": "text", "model_name": "gpt-new",
                    "display_name": "GPT New", "input_price_per_1m": "1.00",
                    "output_price_per_1m": "2.00"}
NUL_MESSAGE = "Must not contain a NUL (\\x00) character."


@pytest.fixture
def stored(db):
    """One text model and one account, committed."""
    model, account = TextModelFactory(), AccountFactory()
    commit()
    return model, account


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


def test_nul_in_a_patched_json_string_is_a_400_and_nothing_changes(api, db, stored):
    model, _ = stored
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


def test_the_largest_page_allowed_is_simply_empty(api, stored):
    response = api.get("/api/v1/models?page=1000000")
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_a_huge_model_id_in_account_settings_is_a_422(api, db, stored):
    _, account = stored
    response = api.patch(f"/api/v1/accounts/{account.id}/integration-settings",
                         {"text_model": 10**30})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"text_model"}


def test_a_body_over_one_mib_is_a_413_in_the_error_shape(api, db):
    body = json.dumps({**NEW_MODEL_FIELDS, "notes": "x" * (2 * 1024 * 1024)})
    response = api.request("POST", "/api/v1/models", data=body, content_type="application/json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert model_count(db) == 0


def deep_json(depth: int) -> str:
    """A body whose `notes` holds `depth` nested lists."""
    return '{"notes": ' + "[" * depth + "]" * depth + "}"


def send_raw(api, method: str, url: str, body: str):
    """A raw JSON body (one json.dumps could not write) with the write key."""
    return api.request(method, url, data=body, content_type="application/json")


@pytest.mark.parametrize("method, url", [
    ("GET", "/api/v1/models?q=%00"),
    ("POST", "/api/v1/models"),
    ("PATCH", "/api/v1/settings/global"),
])
def test_a_keyless_probe_is_a_401_before_any_input_check(api, db, method, url):
    body = deep_json(3000) if method != "GET" else None
    response = api.request(method, url, data=body, content_type="application/json", key=None)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert model_count(db) == 0


def test_a_read_key_writing_a_nul_is_a_403(read_api, db):
    response = read_api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "notes": "\x00"})
    assert response.status_code == 403
    assert model_count(db) == 0


@pytest.mark.parametrize("depth", [2000, 5000, 100])
def test_deeply_nested_json_is_a_400_naming_the_body(api, db, depth):
    response = send_raw(api, "POST", "/api/v1/models", deep_json(depth))
    assert response.status_code == 400
    error = error_of(response)
    assert error["fields"] == {"_body": "The JSON body is nested more than 32 levels deep."}
    assert error["message"] == "The JSON body is nested more than 32 levels deep."
    assert model_count(db) == 0


def test_deeply_nested_json_in_a_settings_patch_changes_nothing(api, db, stored):
    _, account = stored
    url = f"/api/v1/accounts/{account.id}/integration-settings"
    response = send_raw(api, "PATCH", url, '{"text_model": ' + "[" * 2500 + "]" * 2500 + "}")
    assert response.status_code == 400
    assert api.get(url).get_json()["version"] == 0


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


def test_a_lone_surrogate_in_a_patch_leaves_the_model_readable(api, db, stored):
    model, _ = stored
    response = api.patch(f"/api/v1/models/{model.id}", {"display_name": "\ud800"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"display_name"}
    page = api.get(f"/api/v1/models/{model.id}")
    assert page.status_code == 200 and page.get_json()["display_name"] == model.display_name


@pytest.mark.parametrize("url, field", [
    ("/api/v1/models", "context_window"),
    ("/api/v1/settings/global", "text_model"),
    ("/api/v1/settings/global", "version"),
])
def test_a_5000_digit_integer_is_a_400_naming_the_field(api, db, stored, url, field):
    method = "POST" if url.endswith("models") else "PATCH"
    fields = NEW_MODEL_FIELDS if method == "POST" else {"dalle_model": None}
    body = json.dumps(fields)[:-1] + f', "{field}": ' + "9" * 5000 + "}"
    response = send_raw(api, method, url, body)
    assert response.status_code == 400
    assert error_of(response)["fields"] == {field: "Must be a number of at most 100 digits."}
    assert model_count(db) == 1
    assert api.get("/api/v1/settings/global").get_json()["version"] == 0


def chunked(api, body: bytes):
    """POST a JSON body without Content-Length, as a chunked upload reaches the app."""
    response = api.client.open(
        "/api/v1/models", method="POST", input_stream=io.BytesIO(body),
        headers={"Authorization": f"Bearer {api.key}", "Transfer-Encoding": "chunked"},
        content_type="application/json",
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})
    check_error_shape(openapi_for(api.app)[0], response.get_json()) \
        if response.status_code >= 400 else None
    return response


def test_a_chunked_body_over_one_mib_is_a_413_not_cut_and_processed(api, db):
    # Valid JSON whose first MiB, cut off, would also be refused: nothing may be stored.
    body = json.dumps({**NEW_MODEL_FIELDS, "notes": "x" * (1024 * 1024)}).encode()
    response = chunked(api, body)
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert model_count(db) == 0


def test_a_chunked_body_of_exactly_one_mib_is_read_whole(api, db):
    start = json.dumps(NEW_MODEL_FIELDS)[:-1]
    body = (start + " " * (1024 * 1024 - len(start) - 1) + "}").encode()
    assert len(body) == 1024 * 1024
    response = chunked(api, body)
    assert response.status_code == 201, response.get_json()  # the last byte was read too
    assert model_count(db) == 1


@pytest.mark.parametrize("method, url", [
    ("get", "/api/v1/models/0001"),
    ("get", "/api/v1/models/01"),
    ("get", "/api/v1/models/0"),
    ("patch", "/api/v1/models/0001"),
    ("delete", "/api/v1/models/+1"),
    ("get", "/api/v1/models/1.0"),
    ("get", "/api/v1/accounts/007/integration-settings"),
])
def test_ids_not_written_canonically_are_404(api, db, stored, method, url):
    response = api.request(method.upper(), url, {} if method == "patch" else None)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert model_count(db) == 1


def test_the_canonical_id_still_answers(api, stored):
    model, _ = stored
    assert api.get(f"/api/v1/models/{model.id}").status_code == 200


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
def test_a_loosely_written_price_in_a_patch_changes_nothing(api, db, stored, price):
    model, _ = stored
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


def test_a_blank_name_in_a_patch_changes_nothing(api, db, stored):
    model, _ = stored
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


def test_a_name_another_model_holds_is_a_409_and_nothing_is_stored(api, db, stored):
    model, _ = stored
    response = api.post("/api/v1/models", {**NEW_MODEL_FIELDS, "provider": model.provider,
                                           "model_name": model.model_name})
    assert response.status_code == 409
    assert "already" in error_of(response)["fields"]["model_name"]
    assert model_count(db) == 1
