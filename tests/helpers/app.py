"""The test app: the frozen day, an app with its tables, signing in, counting statements."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from igny8 import create_app
from igny8.config import TestingConfig
from igny8.extensions import db
from tests.factories import TEST_PASSWORD, UserFactory

# The day every test runs on (tests/conftest.py freezes igny8.lifecycle.today() at it): lifecycle
# states (retiring, retired) do not drift with the calendar.
TODAY = date(2026, 12, 1)


@contextmanager
def app_with_tables(database_url: str, engine_options: dict | None = None,
                    **settings) -> Iterator:
    """An app on `database_url` (its engine made with `engine_options`, when given) with every
    table created; its connections closed afterwards."""
    config = TestingConfig(database_url)
    if engine_options is not None:
        config.SQLALCHEMY_ENGINE_OPTIONS = engine_options
    app = create_app(config)
    app.config.update(settings)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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
