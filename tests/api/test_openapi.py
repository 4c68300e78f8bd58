"""The generated OpenAPI document and the reference page made from it."""
import re

from openapi_spec_validator import validate

OPERATIONS = {
    ("get", "/api/v1/models"), ("post", "/api/v1/models"),
    ("get", "/api/v1/models/{model_id}"), ("patch", "/api/v1/models/{model_id}"),
    ("delete", "/api/v1/models/{model_id}"),
    ("get", "/api/v1/settings/global"), ("patch", "/api/v1/settings/global"),
    ("get", "/api/v1/accounts/{account_id}/integration-settings"),
    ("patch", "/api/v1/accounts/{account_id}/integration-settings"),
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
