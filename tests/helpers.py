"""Helpers the test modules share: page reading, rows, API and auth clients, schema names."""
from __future__ import annotations

import http.client
import json as jsonlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from html import unescape
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator
from sqlalchemy import event, func, select

from igny8 import create_app
from igny8.config import TestingConfig
from igny8.extensions import db
from igny8.models import AIModelConfig, AuditEntry, UsageDaily, UsageRecord
from tests.factories import TEST_PASSWORD, UserFactory

CATALOGUE_URL = "/admin/ai-models"


# The day every test runs on (tests/conftest.py freezes igny8.lifecycle.today() at it): lifecycle
# states (retiring, retired) do not drift with the calendar.
TODAY = date(2026, 12, 1)

# --- pages and forms ---------------------------------------------------------------------------

GLOBAL_URL = "/admin/settings/global"


def options(page: str, select_name: str) -> list[str]:
    """The option texts of one <select> on the page."""
    match = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select {select_name}"
    found = re.findall(r"<option[^>]*>(.*?)</option>", match.group(1), re.S)
    return [unescape(option).strip() for option in found]


def selected(page: str, select_name: str) -> str:
    """The text of the selected option of one <select>."""
    match = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    found = re.search(r"<option[^>]*selected[^>]*>(.*?)</option>", match.group(1), re.S)
    return unescape(found.group(1)).strip()


def text(response) -> str:
    """The response body as text with entities decoded."""
    return unescape(response.get_data(as_text=True))


def model_form_data(**overrides):
    """A valid create form for an active OpenAI text model."""
    data = {"display_name": "GPT-4.1", "model_name": "gpt-4.1", "provider": "openai",
            "model_type": "text", "is_active": "y", "input_price_per_1m": "2.00",
            "cached_input_price_per_1m": "0.50", "output_price_per_1m": "$8",
            "price_per_image": "", "context_window": "1,047,576", "max_output_tokens": "32768",
            "aliases": "gpt-4.1-2025-04-14\ngpt4.1", "deprecation_date": "", "notes": "",
            "price_source": "https://openai.com/api/pricing", "price_checked_on": "2026-11-01"}
    data.update(overrides)
    return data


# --- rows --------------------------------------------------------------------------------------


def commit() -> None:
    """Commit what factories flushed, so the API sees it."""
    db.session.commit()


def model_count(db) -> int:
    """How many catalogue rows exist."""
    return db.session.scalar(select(func.count()).select_from(AIModelConfig))


def audit_rows(db, object_type="ai_model"):
    """Audit entries of one object type, oldest first."""
    query = select(AuditEntry).where(AuditEntry.object_type == object_type)
    return db.session.scalars(query.order_by(AuditEntry.id)).all()


@contextmanager
def app_with_tables(database_url: str, **settings) -> Iterator:
    """An app on `database_url` with every table created; its connections closed afterwards."""
    app = create_app(TestingConfig(database_url))
    app.config.update(settings)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- clients -----------------------------------------------------------------------------------


class AuthActions:
    """Signs the test client in and out as a user of a given role."""

    def __init__(self, client) -> None:
        self.client = client
        self.user = None

    def login(self, role: str = "admin", via_form: bool = False, **fields):
        """Create a user with `role` and sign the client in (session, or the real form)."""
        self.user = UserFactory(role=role, **fields)
        db.session.commit()
        if via_form:
            response = self.client.post(
                "/auth/login", data={"email": self.user.email, "password": TEST_PASSWORD}
            )
            assert response.status_code == 302, response.get_data(as_text=True)
        else:
            with self.client.session_transaction() as session:
                session["_user_id"] = self.user.get_id()
                session["_fresh"] = True
        return self.user

    def logout(self):
        """Sign out through the real POST endpoint."""
        return self.client.post("/auth/logout")


class QueryCounter:
    """Counts SQL statements sent while active."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, *args) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)

    def __enter__(self) -> "QueryCounter":
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


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


# --- the schema as the database has it (migration tests) ---------------------------------------


def reflect() -> sa.MetaData:
    """The tables as the database has them now."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    return metadata


def sqlite_expression_indexes(table: str) -> set[str]:
    """Names of the table's expression indexes, which SQLAlchemy does not reflect on SQLite."""
    if db.engine.dialect.name != "sqlite":
        return set()
    query = sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t")
    with db.engine.connect() as conn:
        rows = conn.execute(query, {"t": table}).all()
    return {name for name, sql in rows if "json_extract(" in (sql or "")}


def named_objects_in_database(table: str) -> set[str]:
    """Names of the table's check, unique and foreign key constraints and indexes."""
    inspector = sa.inspect(db.engine)
    found = [
        *inspector.get_check_constraints(table),
        *inspector.get_unique_constraints(table),
        *inspector.get_foreign_keys(table),
        *(i for i in inspector.get_indexes(table) if "duplicates_constraint" not in i),
    ]
    return {item["name"] for item in found} | sqlite_expression_indexes(table)


def named_objects_in_models(table: str) -> set[str]:
    """The same names as the models and the naming convention render them on this backend."""
    preparer = db.engine.dialect.identifier_preparer
    model = db.metadata.tables[table]
    constraints = [c for c in model.constraints if not isinstance(c, sa.PrimaryKeyConstraint)]
    return {preparer.format_constraint(item) for item in [*constraints, *model.indexes]}


class Browser:
    """One user agent: keeps the session cookie, never follows redirects."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        """(status, Location) of one request over a new connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers.get("Location", "")
        finally:
            connection.close()

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the real form; fails the test when refused."""
        status, location = self.request("POST", "/auth/login",
                                        {"email": email, "password": password})
        assert (status, location) == (302, "/admin/"), (status, location)


def fire_together(calls: list[Callable[[], object]]) -> list[object]:
    """Run every call in its own thread, released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


# --- forms as a browser posts them -------------------------------------------------------------


class _FormParser(HTMLParser):
    """Collects the successful controls of the form with `form_id` (or of every form)."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, form_id is None
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input" and attrs.get("type") not in ("submit", "button"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if not checkable or "checked" in attrs:
                value = attrs.get("value")
                self.values[name] = value if value is not None else ("on" if checkable else "")
        elif tag == "textarea":
            self._textarea, self.values[name] = name, ""
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            text = self.values[self._textarea]  # a browser drops the newline after <textarea>
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.values[self._textarea] = text
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.form_id is not None:
            self.inside = False

    def handle_data(self, data):
        if self._textarea and self.inside:
            self.values[self._textarea] += data


def form_values(page: str, form_id: str | None = None) -> dict[str, str]:
    """The name -> value pairs the form `form_id` would post."""
    parser = _FormParser(form_id)
    parser.feed(page)
    return parser.values


# --- the usage ledger as stored -------------------------------------------------------------


def stored_records() -> list[UsageRecord]:
    """Every stored record, by id."""
    db.session.expire_all()
    return list(db.session.scalars(select(UsageRecord).order_by(UsageRecord.id)))


def rollup_rows() -> list[tuple]:
    """Every rollup row as (account, model, day, records, in, cached, out, images, cost)."""
    db.session.expire_all()
    return [(r.account_id, r.model_id, r.day, r.records, r.input_tokens, r.cached_input_tokens,
             r.output_tokens, r.images, r.cost)
            for r in db.session.scalars(select(UsageDaily).order_by(
                UsageDaily.account_id, UsageDaily.model_id, UsageDaily.day))]


def sums_agree() -> bool:
    """Whether the rollups hold exactly the sums of the records, per account x model."""
    columns = ("input_tokens", "cached_input_tokens", "output_tokens", "images", "cost")

    def sums(model, count):
        query = select(model.account_id, model.model_id, count,
                       *(func.sum(getattr(model, c)) for c in columns)).group_by(
            model.account_id, model.model_id).order_by(model.account_id, model.model_id)
        return [tuple(row) for row in db.session.execute(query)]

    return sums(UsageRecord, func.count()) == sums(UsageDaily, func.sum(UsageDaily.records))
