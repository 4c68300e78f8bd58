"""API fixtures: keys, a client that sends them, and a check of every answer against the spec."""
from __future__ import annotations

import json as jsonlib
from urllib.parse import parse_qsl, urlsplit

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

from sqlalchemy import func, select

from igny8.extensions import db
from igny8.models import AIModelConfig, AuditEntry
from igny8.services import api_keys

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


@pytest.fixture
def make_key(db):
    """`make_key(scope="write", name=None) -> (ApiKey, raw key)`, issued through the service."""
    counter = iter(range(1, 1000))

    def make(scope: str = "write", name: str | None = None):
        return api_keys.create_key(name or f"{scope}-key-{next(counter)}", scope, actor="cli")

    return make


@pytest.fixture
def api(app, client, make_key):
    """An ApiClient holding a write key named `integration`."""
    key, raw = make_key("write", "integration")
    api_client = ApiClient(app, client, raw)
    api_client.key_row = key
    return api_client


@pytest.fixture
def read_api(app, client, make_key):
    """An ApiClient holding a read key named `reporting`."""
    _, raw = make_key("read", "reporting")
    return ApiClient(app, client, raw)


def error_of(response) -> dict:
    """The `error` object of an error response."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]


def commit() -> None:
    """Commit what factories flushed, so the API sees it."""
    db.session.commit()


def model_count(db) -> int:
    """Rows in the catalogue."""
    return db.session.scalar(select(func.count()).select_from(AIModelConfig))


def audit_rows(db, object_type="ai_model"):
    """Audit entries of one object type, oldest first."""
    query = select(AuditEntry).where(AuditEntry.object_type == object_type)
    return db.session.scalars(query.order_by(AuditEntry.id)).all()


@pytest.fixture
def catalogue_name() -> str:
    """The API tests' catalogue: tests.factories.CATALOGUES["api"]."""
    return "api"
