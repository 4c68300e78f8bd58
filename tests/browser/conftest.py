"""Browser tests: the app served from a thread over a SQLite file database, driven by Chromium.

They run on SQLite only and use Debian's Chromium (/usr/bin/chromium, `make test` installs it);
Playwright never downloads a browser. IGNY8_SCREENSHOTS=1 saves PNGs under docs/screenshots/.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from igny8.config import REPO_ROOT
from igny8.extensions import db
from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers.app import app_with_tables

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_DIR = REPO_ROOT / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium instead of a Playwright-downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` or `apt-get install -y chromium`")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A 1280x800 window: the size of the screenshots in docs/."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on a fresh SQLite file database, with CSRF on as in production."""
    path = tmp_path_factory.mktemp("browser") / "igny8.db"
    with app_with_tables(f"sqlite:///{path}", WTF_CSRF_ENABLED=True) as app:
        yield app


@pytest.fixture(scope="session")
def live_server(live_app) -> str:
    """The app served on a free loopback port from a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app)
    thread = threading.Thread(target=server.serve_forever, name="igny8-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(autouse=True)
def empty_live_database(live_app) -> None:
    """Each browser test starts from empty tables (server and database live per session)."""
    with live_app.app_context():
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def live_db(live_app) -> Callable:
    """`with live_db() as session:` sets up or checks rows in the live database, then commits."""
    @contextmanager
    def scope() -> Iterator:
        with live_app.app_context():
            yield db.session
            db.session.commit()

    return scope


@pytest.fixture
def make_user(live_app) -> Callable:
    """`make_user(role="admin")` stores a user (password "correct horse battery") in the live DB."""
    def make(role: str = "admin", **fields):
        with live_app.app_context():
            user = UserFactory(role=role, **fields)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


@pytest.fixture
def sign_in(page, live_server, make_user) -> Callable:
    """`sign_in(role="admin")` stores <role>@igny8.local and signs `page` in with the form."""
    def sign_in_as(role: str = "admin"):
        user = make_user(role=role, email=f"{role}@igny8.local")
        page.goto(f"{live_server}/auth/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
        return user

    return sign_in_as


@pytest.fixture
def screenshot() -> Callable:
    """`screenshot(page, name)` saves docs/screenshots/<name>.png when IGNY8_SCREENSHOTS=1.

    The picture is the 1280x800 window; `full_page=True` takes the whole page instead.
    """
    def save(page, name: str, full_page: bool = False) -> Path | None:
        if os.environ.get("IGNY8_SCREENSHOTS") != "1":
            return None
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture
def catalogue_session(live_db) -> Callable:
    """The `catalogue` fixture writes to the live server's database."""
    return live_db


@pytest.fixture
def catalogue_name() -> str:
    """Browser tests start from the shipped catalogue (tests.catalogues.CATALOGUES["shipped"])."""
    return "shipped"
