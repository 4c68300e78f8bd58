"""A real threaded HTTP server on PostgreSQL and a small cookie-keeping client for race tests."""
from __future__ import annotations

import http.client
import os
import threading
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from igny8 import create_app
from igny8.config import TestingConfig
from igny8.extensions import db


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


@pytest.fixture(scope="module")
def live_pg_app(fresh_database_url):
    """The app on its own PostgreSQL database (the races need real row locks)."""
    if "postgresql" not in os.environ.get("IGNY8_TEST_BACKENDS", "postgresql"):
        pytest.skip("IGNY8_TEST_BACKENDS leaves PostgreSQL out; these races need it")
    settings = TestingConfig(fresh_database_url("postgresql"))
    # One connection per parallel request, so requests wait on row locks, not on the pool.
    settings.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 20,
                                          "max_overflow": 40}
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_pg_port(live_pg_app) -> Iterator[int]:
    """The app served by a threaded werkzeug server on a free loopback port."""
    server = make_server("127.0.0.1", 0, live_pg_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="igny8-race-server", daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=10)
