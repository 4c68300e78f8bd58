"""The generated OpenAPI document and the reference page made from it."""
import json
import re

import pytest
from openapi_schema_validator import OAS30Validator
from markupsafe import escape
from openapi_spec_validator import validate

from igny8.services.numbers import PRICE_PATTERN
from igny8.services.text import VISIBLE_PATTERN
from tests.helpers.api import check_error_shape

OPERATIONS = {
    ("get", "/api/v1/models"), ("post", "/api/v1/models"),
    ("get", "/api/v1/models/{model_id}"), ("patch", "/api/v1/models/{model_id}"),
    ("delete", "/api/v1/models/{model_id}"), ("post", "/api/v1/models/{model_id}/replace"),
    ("get", "/api/v1/models/export"),
    ("get", "/api/v1/models/{model_id}/prices"), ("post", "/api/v1/models/{model_id}/prices"),
    ("get", "/api/v1/settings/global"), ("patch", "/api/v1/settings/global"),
    ("get", "/api/v1/accounts/{account_id}/integration-settings"),
    ("patch", "/api/v1/accounts/{account_id}/integration-settings"),
    ("get", "/api/v1/usage"), ("get", "/api/v1/costs"), ("post", "/api/v1/usage"),
    ("get", "/api/v1/accounts"), ("post", "/api/v1/accounts"),
    ("get", "/api/v1/accounts/{account_id}"), ("patch", "/api/v1/accounts/{account_id}"),
    ("get", "/api/v1/cost/projection"),
}


def document(client) -> dict:
    """The served document."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_0_3(client):
    spec = document(client)
    validate(spec)
    assert spec["openapi"] == "3.0.3"
    assert spec["info"] == {"title": "igny8", "version": "v1"}
    assert spec["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"


def test_the_document_lists_every_operation_and_nothing_else(client):
    spec = document(client)
    found = {(method, path) for path, item in spec["paths"].items()
             for method in item if method != "parameters"}
    assert found == OPERATIONS


def test_prices_are_documented_as_strings_and_errors_share_one_shape(client):
    schemas = document(client)["components"]["schemas"]
    price = schemas["Model"]["properties"]["input_price_per_1m"]
    assert (price["type"], price["nullable"]) == ("string", True)
    assert schemas["Error"]["properties"]["error"]["$ref"].endswith("/ErrorBody")
    assert set(schemas["ErrorBody"]["required"]) == {"code", "message", "fields"}
    slot = schemas["GlobalSettings"]["properties"]["openai_model_details"]
    assert {"$ref": "#/components/schemas/ModelSummary"} in slot["anyOf"]


def test_the_reference_page_shows_every_operation_and_schema_without_scripts(client):
    spec = document(client)
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for method, path in OPERATIONS:
        assert f"{method.upper()} {path}" in page
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    for parameter in ("provider", "model_type", "is_active", "per_page"):
        assert f"<code>{parameter}</code>" in page
    assert "<script" not in page
    assert not re.search(r'(src|href)="https?://', page)


def test_the_reference_page_is_in_the_sidebar_for_signed_in_users(client, auth):
    auth.login(role="support")
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert 'aria-current="page">API docs</a>' in page
    assert 'href="/admin/api-keys/"' not in page  # admins only


READS = {("get", "/api/v1/models"), ("get", "/api/v1/models/{model_id}"),
         ("get", "/api/v1/models/{model_id}/prices"),
         ("get", "/api/v1/settings/global"),
         ("get", "/api/v1/accounts/{account_id}/integration-settings"),
         ("get", "/api/v1/usage"), ("get", "/api/v1/costs"),
         ("get", "/api/v1/accounts"), ("get", "/api/v1/accounts/{account_id}"),
         ("get", "/api/v1/cost/projection")}
BODY_WRITES = {("post", "/api/v1/models"), ("patch", "/api/v1/models/{model_id}"),
               ("post", "/api/v1/models/{model_id}/prices"),
               ("patch", "/api/v1/settings/global"),
               ("patch", "/api/v1/accounts/{account_id}/integration-settings"),
               ("post", "/api/v1/accounts"), ("patch", "/api/v1/accounts/{account_id}")}
SINGLE_RESOURCES = {"/api/v1/models/{model_id}", "/api/v1/settings/global",
                    "/api/v1/accounts/{account_id}/integration-settings",
                    "/api/v1/accounts/{account_id}"}


def resolved(spec: dict, response: dict) -> dict:
    """A response object, following a reference into components.responses."""
    if "$ref" in response:
        return spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response


def error_statuses(spec: dict, method: str, path: str) -> dict[str, dict]:
    """Status → resolved response of an operation's 4xx answers."""
    responses = spec["paths"][path][method]["responses"]
    return {status: resolved(spec, item) for status, item in responses.items()
            if status.startswith("4")}


def test_every_operation_documents_its_errors_in_the_one_shape(client):
    spec = document(client)
    for method, path in OPERATIONS:
        found = error_statuses(spec, method, path)
        expected = {"400", "401"}
        if (method, path) in BODY_WRITES:
            expected |= {"403", "409", "413", "415", "422"}
        if method == "delete":
            expected |= {"403", "409"}
        if "{" in path:
            expected.add("404")
        assert expected <= set(found), (method, path, sorted(found))
        for status, response in found.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
            assert response["description"]


def test_reads_do_not_document_write_errors(client):
    spec = document(client)
    for method, path in READS:
        assert not {"403", "413", "415"} & set(error_statuses(spec, method, path))


def test_shared_error_responses_have_examples_in_the_error_shape(client):
    spec = document(client)
    for name in ("BadRequest", "Unauthorized", "Forbidden", "Conflict", "PayloadTooLarge",
                 "UnsupportedMediaType", "ValidationFailed"):
        example = spec["components"]["responses"][name]["content"]["application/json"]["example"]
        check_error_shape(spec, example)
    assert "WWW-Authenticate" in spec["components"]["responses"]["Unauthorized"]["headers"]


def operation_examples(spec: dict, operation: dict) -> list:
    """Every example an operation carries inline (request body, responses)."""
    bodies = [operation.get("requestBody", {})] + list(operation["responses"].values())
    return [content["example"] for body in bodies
            for content in body.get("content", {}).values() if "example" in content]


def test_every_operation_has_an_example_valid_against_its_schema(client):
    spec = document(client)
    for method, path in OPERATIONS:
        operation = spec["paths"][path][method]
        assert operation_examples(spec, operation), (method, path)
        for body in [operation.get("requestBody")] + list(operation["responses"].values()):
            content = (body or {}).get("content", {}).get("application/json", {})
            if "example" in content:
                document_ = {**content["schema"], "components": spec["components"]}
                errors = [e.message for e in OAS30Validator(document_).iter_errors(
                    content["example"])]
                assert errors == [], (method, path, errors)


def request_bodies(spec: dict) -> list[tuple[str, str, dict]]:
    """(method, path, content) of every JSON request body in the document."""
    return [(method, path, operation["requestBody"]["content"]["application/json"])
            for path, item in spec["paths"].items() for method, operation in item.items()
            if method != "parameters" and "requestBody" in operation]


def test_every_request_body_has_an_example_valid_against_its_schema(client):
    spec = document(client)
    bodies = request_bodies(spec)
    assert {(method, path) for method, path, _ in bodies} == BODY_WRITES | {
        ("post", "/api/v1/usage"), ("post", "/api/v1/models/{model_id}/replace")}
    for method, path, content in bodies:
        assert "example" in content, (method, path)
        validator = OAS30Validator({**content["schema"], "components": spec["components"]})
        errors = [error.message for error in validator.iter_errors(content["example"])]
        assert errors == [], (method, path, errors)


def test_the_reference_page_shows_each_request_example(client):
    spec = document(client)
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for method, path, content in request_bodies(spec):
        shown = json.dumps(content["example"], indent=2)
        assert f'aria-label="Example request body of {method.upper()} {path}"' in page
        assert str(escape(shown)) in page, (method, path)


def test_prices_have_the_strict_pattern_and_texts_refuse_nul(client):
    schemas = document(client)["components"]["schemas"]
    for name in ("Model", "ModelCreate", "ModelUpdate"):
        price = schemas[name]["properties"]["input_price_per_1m"]
        assert price["pattern"] == PRICE_PATTERN
    for field in ("notes", "price_source"):
        assert schemas["ModelCreate"]["properties"][field]["pattern"] == "^[^\\x00]*$"
    for field in ("model_name", "display_name"):  # no NUL, and one visible character
        assert schemas["ModelCreate"]["properties"][field]["pattern"] == VISIBLE_PATTERN
        assert VISIBLE_PATTERN.startswith("^[^\\x00]*[^")
    assert schemas["ModelUpdate"]["properties"]["aliases"]["items"]["pattern"] == VISIBLE_PATTERN
    assert "zero-width" in schemas["ModelCreate"]["properties"]["display_name"]["description"]


@pytest.mark.parametrize("text, accepted", [("0.15", True), ("10", True), ("", False),
                                            ("1_000", False), (" 0.15 ", False),
                                            ("1e3", False), ("\u0661", False)])
def test_the_price_pattern_agrees_with_the_server(api, db, text, accepted):
    response = api.post("/api/v1/models", {"provider": "openai", "model_type": "text",
                                           "model_name": "m", "display_name": "M",
                                           "input_price_per_1m": text})
    assert (response.status_code == 201) is accepted
    assert (re.search(PRICE_PATTERN, text) is not None) is accepted


def test_single_resources_document_etag_and_if_match(client):
    spec = document(client)
    for path in SINGLE_RESOURCES:
        item = spec["paths"][path]
        assert "ETag" in item["get"]["responses"]["200"]["headers"], path
        for method in ("patch", "delete"):
            if method in item:
                names = {p["name"] for p in item[method]["parameters"] if p["in"] == "header"}
                assert "If-Match" in names, (method, path)
                assert "409" in item[method]["responses"]
    model_get = spec["paths"]["/api/v1/models/{model_id}"]["get"]
    assert "304" in model_get["responses"]
    assert "If-None-Match" in {p["name"] for p in model_get["parameters"]}


def test_the_create_schema_says_an_active_model_needs_its_prices(client):
    schema = document(client)["components"]["schemas"]["ModelCreate"]
    branches = schema["anyOf"]
    assert {"properties": {"is_active": {"enum": [False]}}} in branches
    text = next(b for b in branches if b.get("properties", {}).get("model_type") == {
        "enum": ["text"]})
    assert set(text["required"]) == {"model_type", "input_price_per_1m", "output_price_per_1m"}
    for field in ("context_window", "max_output_tokens"):
        limits = schema["properties"][field]
        assert (limits["minimum"], limits["maximum"]) == (1, 2**31 - 1)
