"""Real concurrent HTTP: a cookie-keeping user agent and calls released at the same moment."""
from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlencode

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


def empty_tables_but_generation(app) -> None:
    """PostgreSQL: remove every row but the cache generation's, restarting the ids."""
    with app.app_context():
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables
                          if t.name != "igny8_cache_generation")
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
