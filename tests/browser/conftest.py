"""Browser tests: the app served from a thread over a SQLite file database, driven by Chromium.

They run on SQLite only and use Debian's Chromium (/usr/bin/chromium, `make test` installs it);
Playwright never downloads a browser. IGNY8_SCREENSHOTS=1 saves PNGs under docs/screenshots/.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from igny8 import create_app
from igny8.config import REPO_ROOT, TestingConfig
from igny8.extensions import db
from tests.factories import UserFactory

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
def live_app(tmp_path_factory):
    """The app on a fresh SQLite file database, with CSRF on as in production."""
    path = tmp_path_factory.mktemp("browser") / "igny8.db"
    app = create_app(TestingConfig(f"sqlite:///{path}"))
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app) -> str:
    """The app served on a free loopback port from a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app)
    thread = threading.Thread(target=server.serve_forever, name="igny8-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


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
def screenshot() -> Callable:
    """`screenshot(page, name)` saves docs/screenshots/<name>.png when IGNY8_SCREENSHOTS=1."""
    def save(page, name: str) -> Path | None:
        if os.environ.get("IGNY8_SCREENSHOTS") != "1":
            return None
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
