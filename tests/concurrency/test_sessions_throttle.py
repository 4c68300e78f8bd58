"""48 parallel wrong sign-ins for one email from one address: at most 5 password checks."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select

from igny8.auth import throttle
from igny8.extensions import db
from igny8.models import LoginAttempt, User
from tests.helpers.concurrency import Browser, fire_together
from tests.factories import UserFactory

PARALLEL = 48
ROUNDS = 3


@pytest.fixture
def counted_password_checks(monkeypatch) -> list[str]:
    """Every User.check_password call made by the server, by email."""
    calls: list[str] = []
    lock = threading.Lock()
    original = User.check_password

    def counting(self, password: str) -> bool:
        with lock:
            calls.append(self.email)
        return original(self, password)

    monkeypatch.setattr(User, "check_password", counting)
    return calls


@pytest.fixture
def ada(live_pg_app):
    """The user whose sign-in the attackers hammer."""
    with live_pg_app.app_context():
        db.session.execute(delete(User))
        UserFactory(email="ada@igny8.test", role="admin")
        db.session.commit()
    return "ada@igny8.test"


def attempts(app) -> int:
    """Rows in the attempts table."""
    with app.app_context():
        return db.session.scalar(select(func.count(LoginAttempt.id)))


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_parallel_wrong_passwords_get_at_most_five_checks(live_pg_app, live_pg_port, ada,
                                                          counted_password_checks, round_number):
    with live_pg_app.app_context():
        db.session.execute(delete(LoginAttempt))
        db.session.commit()
    form = {"email": ada, "password": "wrong password"}
    results = fire_together([
        (lambda: Browser(live_pg_port).request("POST", "/auth/login", form))
        for _ in range(PARALLEL)])

    statuses = sorted(result[0] for result in results)
    assert all(isinstance(status, int) and status < 500 for status in statuses), statuses
    assert len(counted_password_checks) <= throttle.MAX_FAILURES, len(counted_password_checks)
    assert statuses.count(401) == len(counted_password_checks)
    assert statuses.count(429) == PARALLEL - statuses.count(401)
    assert attempts(live_pg_app) == statuses.count(401)
