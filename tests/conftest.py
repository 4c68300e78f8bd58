"""Fixtures: an app per backend (SQLite, PostgreSQL), a clean database per test, auth, catalogue."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import date

import psycopg
import pytest

from igny8 import create_app, lifecycle
from igny8.config import TestingConfig
from igny8.extensions import db as _db
from tests.catalogues import create_catalogue
from tests.helpers.app import TODAY, AuthActions, QueryCounter, app_with_tables
from tests.ledger import recost_ledger

PG_ADMIN_URL = os.environ.get(
    "IGNY8_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [
    name.strip() for name in os.environ.get("IGNY8_TEST_BACKENDS", "sqlite,postgresql").split(",")
]


def postgres_required() -> bool:
    """CI (or IGNY8_REQUIRE_POSTGRES=1) turns an unreachable PostgreSQL into a failure."""
    flags = (os.environ.get("CI", ""), os.environ.get("IGNY8_REQUIRE_POSTGRES", ""))
    return any(flag.lower() in {"1", "true", "yes"} for flag in flags)


def _pg_connect(dbname: str = "postgres"):
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{dbname}"
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def create_pg_database(prefix: str = "igny8_test") -> str:
    """Create a uniquely named PostgreSQL database and return its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with _pg_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if postgres_required():
            pytest.fail(f"PostgreSQL is required but unreachable at {PG_ADMIN_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL} (set CI=1 to make this fail)")
    return "postgresql+psycopg://" + PG_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by `create_pg_database`."""
    name = url.rsplit("/", 1)[1]
    with _pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def today(monkeypatch) -> date:
    """Freeze igny8.lifecycle.today() at TODAY; a test may set another day with set_today."""
    monkeypatch.setattr(lifecycle, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def set_today(monkeypatch):
    """Move igny8.lifecycle.today() to the given date."""
    return lambda day: monkeypatch.setattr(lifecycle, "today", lambda: day)


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory):
    """Factory for empty databases of either backend, dropped at the end of the session."""
    made: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("db") / f"{uuid.uuid4().hex[:8]}.db"
            return f"sqlite:///{path}"
        url = create_pg_database()
        made.append(url)
        return url

    yield make
    for url in made:
        drop_pg_database(url)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """The database backend under test: every app test runs on each."""
    return request.param


@pytest.fixture(scope="session")
def _session_app(backend, fresh_database_url):
    with app_with_tables(fresh_database_url(backend)) as app:
        yield app


def _empty_all_tables() -> None:
    engine = _db.engine
    tables = list(reversed(_db.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(table.delete())
            if conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'"
            ).first():
                conn.exec_driver_sql("DELETE FROM sqlite_sequence")


@pytest.fixture
def migration_app(backend, fresh_database_url):
    """An app on an empty database of the backend, its context pushed."""
    app = create_app(TestingConfig(fresh_database_url(backend)))
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def app(_session_app):
    """The app with an empty database and an app context pushed."""
    with _session_app.app_context():
        _empty_all_tables()
        yield _session_app
        _db.session.remove()


@pytest.fixture
def db(app):
    """The Flask-SQLAlchemy handle, bound to the test's app."""
    return _db


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def auth(client):
    """`auth.login(role="admin"|"support") -> User`, `auth.logout()` for the `client`."""
    return AuthActions(client)


@pytest.fixture
def count_queries(db):
    """`with count_queries() as counter:` counts statements on the test database."""
    return lambda: QueryCounter(db.engine)


@pytest.fixture
def catalogue_session(db):
    """`with catalogue_session():` writes to the test database, then commits."""
    @contextmanager
    def scope():
        yield _db.session
        _db.session.commit()

    return scope


@pytest.fixture
def make_catalogue(catalogue_session):
    """`make_catalogue(name="settings", **changes)`: a tests.catalogues entry, committed."""
    def make(name: str = "settings", **changes):
        with catalogue_session():
            return create_catalogue(name, **changes)

    return make


@pytest.fixture
def catalogue_name() -> str:
    """The catalogue a test gets when its module names none (tests/api: "api")."""
    return "settings"


@pytest.fixture
def catalogue(request, make_catalogue, catalogue_name):
    """The catalogue the module's `pytest.mark.catalogue(name, **changes)` names, committed."""
    marker = request.node.get_closest_marker("catalogue")
    if marker is None:
        return make_catalogue(catalogue_name)
    return make_catalogue(*marker.args, **marker.kwargs)


@pytest.fixture
def ledger(db):
    """The re-costing tests' ledger: see tests/ledger.py recost_ledger."""
    return recost_ledger()
