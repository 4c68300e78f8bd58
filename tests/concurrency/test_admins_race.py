"""Two admins deactivate or demote each other at once: one active admin always remains."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from igny8.extensions import db
from igny8.models import AuditEntry, LoginAttempt, User
from tests.helpers.concurrency import Browser, fire_together
from tests.factories import TEST_PASSWORD, UserFactory

ROUNDS = 24
DEACTIVATE = ("toggle", {"active": "0"})
DEMOTE = ("role", {"role": "support"})
# Each round pairs what admin A does to B with what B does to A.
MOVES = [(DEACTIVATE, DEACTIVATE), (DEMOTE, DEMOTE), (DEACTIVATE, DEMOTE), (DEMOTE, DEACTIVATE)]


@pytest.fixture(scope="module")
def admins(live_pg_app) -> dict[str, int]:
    """Two admins, email -> id."""
    with live_pg_app.app_context():
        db.session.execute(delete(User))
        users = [UserFactory(email=f"{name}@igny8.test", role="admin") for name in ("a", "b")]
        db.session.commit()
        return {user.email: user.id for user in users}


def reset(app) -> None:
    """Both admins active again, no throttling left over."""
    with app.app_context():
        db.session.execute(update(User).values(is_active=True, role="admin"))
        db.session.execute(delete(LoginAttempt))
        db.session.commit()


def active_admins(app) -> int:
    """How many active admins the database holds."""
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)).where(
            User.role == "admin", User.is_active.is_(True)))


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_admins_acting_on_each_other_leave_one_active_admin(live_pg_app, live_pg_port, admins,
                                                                round_number):
    reset(live_pg_app)
    browsers = {}
    for email in admins:
        browsers[email] = Browser(live_pg_port)
        browsers[email].sign_in(email, TEST_PASSWORD)
    (move_a, form_a), (move_b, form_b) = MOVES[round_number % len(MOVES)]
    a_id, b_id = admins["a@igny8.test"], admins["b@igny8.test"]
    results = fire_together([
        lambda: browsers["a@igny8.test"].request("POST", f"/admin/users/{b_id}/{move_a}", form_a),
        lambda: browsers["b@igny8.test"].request("POST", f"/admin/users/{a_id}/{move_b}", form_b),
    ])

    assert all(isinstance(result, tuple) and result[0] < 500 for result in results), results
    assert active_admins(live_pg_app) == 1
    # The loser is refused (409), or signed out (302 to sign-in) when the winner came first.
    succeeded = [r for r in results if r[0] == 302 and not r[1].startswith("/auth/login")]
    assert len(succeeded) == 1, results
    assert all(r[0] == 409 or r[1].startswith("/auth/login") for r in results
               if r not in succeeded), results


def test_the_history_records_one_change_per_round(live_pg_app, admins):
    with live_pg_app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert len(actions) == ROUNDS
    assert set(actions) <= {"deactivate", "change_role"}
