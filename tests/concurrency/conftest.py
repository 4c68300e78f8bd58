"""Concurrency fixtures: the app served over real HTTP on 127.0.0.1 by threads, on PostgreSQL.

`live_server` runs werkzeug's threaded server (a thread, a database session and a connection
per request) against a throwaway PostgreSQL database; `fire` sends requests together from
threads released by one barrier. PostgreSQL unreachable (or left out by
IGNY8_TEST_BACKENDS): skipped locally, a failure in CI (`tests/conftest.py` `postgres_required`).
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.serving import make_server

from igny8.extensions import db as _db
from igny8.services import api_keys
from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers.app import app_with_tables

TIMEOUT = 30  # seconds a request may take before the test fails
# As tests/conftest.py reads them (a test module imports no conftest).
BACKENDS = os.environ.get("IGNY8_TEST_BACKENDS", "sqlite,postgresql").replace(" ", "").split(",")
IN_CI = any(os.environ.get(flag, "").lower() in {"1", "true", "yes"}
            for flag in ("CI", "IGNY8_REQUIRE_POSTGRES"))


# A connection pool large enough for every request of a round.
ROUND_POOL = {"pool_pre_ping": True, "pool_size": 30, "max_overflow": 10, "pool_timeout": TIMEOUT}


@pytest.fixture(scope="session")
def live_app(fresh_database_url):
    """The app on its own PostgreSQL database, tables created."""
    if "postgresql" not in BACKENDS and not IN_CI:
        pytest.skip("IGNY8_TEST_BACKENDS leaves PostgreSQL out; these races need it")
    with app_with_tables(fresh_database_url("postgresql"), engine_options=ROUND_POOL) as app:
        yield app


@pytest.fixture(scope="session")
def live_server(live_app):
    """`http://127.0.0.1:<port>`: a threaded server for the app, stopped after the session."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(TIMEOUT)


@pytest.fixture
def store(live_app):
    """The database handle in an app context, every table emptied first (setup and checks)."""
    with live_app.app_context():
        names = ", ".join(f'"{table.name}"' for table in _db.metadata.sorted_tables)
        with _db.engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        yield _db
        _db.session.remove()


@dataclass
class Answer:
    """One HTTP answer: status and the decoded JSON body (None when not JSON)."""

    status: int
    body: Any = None
    text: str = ""


@dataclass
class HttpClient:
    """Sends requests to the live server with an API key and/or a cookie jar (a signed-in user)."""

    base_url: str
    api_key: str | None = None
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def request(self, method: str, path: str, body: Any = None,
                form: dict[str, str] | None = None) -> Answer:
        """Send one request; any status (also 4xx and 5xx) comes back as an Answer."""
        headers, data = {}, None
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        elif form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(self.base_url + path, data, headers, method=method)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                             NoRedirect)
        try:
            with opener.open(req, timeout=TIMEOUT) as response:
                return _answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return _answer(error.code, error.read())

    def sign_in(self, email: str, password: str = TEST_PASSWORD) -> Answer:
        """Sign in through the login form; the session cookie stays in this client's jar."""
        return self.request("POST", "/auth/login", form={"email": email, "password": password})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers (302), as a browser's first response would."""

    def redirect_request(self, *args, **kwargs):
        """Never follow."""
        return None


def _answer(status: int, raw: bytes) -> Answer:
    """Decode the body as JSON when it is JSON."""
    text = raw.decode("utf-8", "replace")
    try:
        return Answer(status, json.loads(text), text)
    except ValueError:
        return Answer(status, None, text)


@pytest.fixture
def api(live_server, store) -> HttpClient:
    """A client of the live server holding a write-scope API key."""
    _key, raw_key = api_keys.create_key("concurrency", "write", actor="cli")
    return HttpClient(live_server, api_key=raw_key)


@pytest.fixture
def admin_client(live_server, store) -> Callable[..., HttpClient]:
    """`admin_client(role="admin", **user_fields)`: a new user signed in on its own client."""
    def make(role: str = "admin", **fields) -> HttpClient:
        user = UserFactory(role=role, **fields)
        store.session.commit()
        client = HttpClient(live_server)
        answer = client.sign_in(user.email)
        assert answer.status == 302, answer.text
        return client
    return make


def fire_requests(*calls: Callable[[], Answer]) -> list[Answer]:
    """Run the calls in threads released together by one barrier; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Answer | BaseException | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], Answer]) -> None:
        barrier.wait(TIMEOUT)
        try:
            answers[index] = call()
        except BaseException as error:  # re-raised in the test's thread below
            answers[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return answers  # type: ignore[return-value]


@pytest.fixture
def fire():
    """`fire(call, call, ...)`: the calls sent together (see fire_requests), their answers."""
    return fire_requests


@pytest.fixture(scope="module")
def live_pg_app(fresh_database_url):
    """The app on its own PostgreSQL database for the sign-in and admin races (module scope)."""
    if "postgresql" not in BACKENDS and not IN_CI:
        pytest.skip("IGNY8_TEST_BACKENDS leaves PostgreSQL out; these races need it")
    # One connection per parallel request, so requests wait on row locks, not on the pool.
    with app_with_tables(fresh_database_url("postgresql"), engine_options={
            "pool_pre_ping": True, "pool_size": 20, "max_overflow": 40}) as app:
        yield app


@pytest.fixture(scope="module")
def live_pg_port(live_pg_app):
    """The port of a threaded werkzeug server for `live_pg_app` on the loopback interface."""
    server = make_server("127.0.0.1", 0, live_pg_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="igny8-race-server", daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=10)
