"""The JSON API under test: a bearer-key client whose every answer is checked against the
generated OpenAPI document, and the error body."""
from __future__ import annotations

import json as jsonlib
from urllib.parse import parse_qsl, urlsplit

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

# A valid POST /api/v1/models body: an OpenAI text model with its required prices.
NEW_MODEL_FIELDS = {"provider": "openai", "model_type": "text", "model_name": "gpt-new",
                    "display_name": "GPT New", "input_price_per_1m": "1.00",
                    "output_price_per_1m": "2.00"}

_documents: dict[int, tuple[dict, OpenAPI]] = {}


def openapi_for(app) -> tuple[dict, OpenAPI]:
    """The app's generated OpenAPI document and its validator, built once per app."""
    if id(app) not in _documents:
        spec = app.test_client().get("/api/v1/openapi.json").get_json()
        _documents[id(app)] = (spec, OpenAPI.from_dict(spec))
    return _documents[id(app)]


def check_error_shape(spec: dict, body: dict) -> None:
    """An error body matches the Error component (for paths the document cannot know)."""
    document = {**spec["components"]["schemas"]["Error"], "components": spec["components"]}
    errors = [e.message for e in OAS30Validator(document).iter_errors(body)]
    assert errors == [], errors


def check_against_spec(app, method: str, url: str, response) -> None:
    """Validate the response (status, headers, JSON body) against the generated document."""
    spec, openapi = openapi_for(app)
    parts = urlsplit(url)
    if response.status_code >= 400:
        check_error_shape(spec, response.get_json())
    if response.status_code in (404, 405) and response.get_json()["error"]["code"] in (
        "not_found", "method_not_allowed"
    ) and not _documented(spec, method, parts.path):
        return  # the route itself does not exist: only the error shape applies
    request = MockRequest("http://localhost", method.lower(), parts.path,
                          args=dict(parse_qsl(parts.query)))
    answer = MockResponse(response.data, response.status_code, dict(response.headers),
                          content_type=response.mimetype or "application/json")
    openapi.validate_response(request, answer)


def _documented(spec: dict, method: str, path: str) -> bool:
    """Whether the document has an operation for this method on a matching path."""
    for pattern, item in spec["paths"].items():
        pieces, actual = pattern.split("/"), path.split("/")
        if len(pieces) == len(actual) and all(
            p == a or (p.startswith("{") and a.isdigit()) for p, a in zip(pieces, actual)
        ) and method.lower() in item:
            return True
    return False


class ApiClient:
    """Sends requests with a bearer key and checks every answer against the OpenAPI document."""

    def __init__(self, app, client, key: str | None) -> None:
        self.app, self.client, self.key = app, client, key

    def request(self, method: str, url: str, json=None, *, key: str | None = "default",
                headers: dict | None = None, data=None, content_type: str | None = None):
        """One request; `key=None` sends none; `data` sends a raw body."""
        sent = dict(headers or {})
        token = self.key if key == "default" else key
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if json is not None:
            data, content_type = jsonlib.dumps(json), content_type or "application/json"
        response = self.client.open(url, method=method, data=data, headers=sent,
                                    content_type=content_type)
        check_against_spec(self.app, method, url, response)
        return response

    def get(self, url, **kwargs):
        """GET."""
        return self.request("GET", url, **kwargs)

    def post(self, url, json=None, **kwargs):
        """POST a JSON body."""
        return self.request("POST", url, json, **kwargs)

    def patch(self, url, json=None, **kwargs):
        """PATCH a JSON body."""
        return self.request("PATCH", url, json, **kwargs)

    def delete(self, url, **kwargs):
        """DELETE."""
        return self.request("DELETE", url, **kwargs)


def error_of(response) -> dict:
    """The `error` object of an error response."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]
