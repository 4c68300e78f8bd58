"""Hostile request bodies to the JSON API: over one MiB (sized or chunked), nested too deep, numbers
of thousands of digits, and keyless or read-only probes refused before any input check."""
import io
import json

import pytest

from tests.helpers.api import NEW_MODEL_FIELDS, check_error_shape, error_of, openapi_for
from tests.helpers.rows import model_count


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


@pytest.mark.parametrize("body, refused", [
    (deep_json(32), False),  # the innermost list is 32 levels down: allowed
    (deep_json(33), True),
    ('{"notes": ' + "[" * 31 + "1" + "]" * 31 + "}", False),
    ('{"notes": ' + "[" * 32 + "1" + "]" * 32 + "}", True),  # the number is 33 levels down
])
def test_the_depth_limit_counts_every_level(api, db, body, refused):
    response = send_raw(api, "POST", "/api/v1/models", body)
    fields = error_of(response)["fields"]
    depth_refusal = fields.get("_body") == "The JSON body is nested more than 32 levels deep."
    assert depth_refusal is refused
    assert response.status_code == (400 if refused else 422)
    assert model_count(db) == 0


def test_a_nul_deep_in_a_body_without_other_escapes_is_named(api, db):
    body = '{"display_name": "ok", "aliases": ["a", "b\\u0000c"]}'
    response = send_raw(api, "POST", "/api/v1/models", body)
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "aliases.1": "Must not contain a NUL (\\x00) character."}
    assert model_count(db) == 0


def test_deeply_nested_json_in_a_settings_patch_changes_nothing(api, db, model_and_account):
    _, account = model_and_account
    url = f"/api/v1/accounts/{account.id}/integration-settings"
    response = send_raw(api, "PATCH", url, '{"text_model": ' + "[" * 2500 + "]" * 2500 + "}")
    assert response.status_code == 400
    assert api.get(url).get_json()["version"] == 0


@pytest.mark.parametrize("url, field", [
    ("/api/v1/models", "context_window"),
    ("/api/v1/settings/global", "text_model"),
    ("/api/v1/settings/global", "version"),
])
def test_a_5000_digit_integer_is_a_400_naming_the_field(api, db, model_and_account, url, field):
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
    # Valid JSON whose first MiB, cut off, would also be refused: nothing may be model_and_account.
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
