"""Sign-in throttling: too many failures for one email from one address lock it out for a while.

Each attempt reserves its row BEFORE the password is checked and counts after committing it:
of any number of parallel attempts, only those among the first MAX_FAILURES rows committed
see a count within the limit, so at most MAX_FAILURES passwords are checked per window.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from igny8.extensions import db
from igny8.models.base import utcnow
from igny8.models.users import LoginAttempt

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _matching(email: str, ip: str):
    """The conditions selecting the attempts for `email` (any case) from `ip`."""
    return (LoginAttempt.email == email.strip().lower()[:254], LoginAttempt.ip == ip[:64])


def recent_failures(email: str, ip: str) -> int:
    """Failed (or still running) sign-ins for `email` from `ip` within the window."""
    since = utcnow() - WINDOW
    query = select(func.count(LoginAttempt.id)).where(
        *_matching(email, ip), LoginAttempt.created_at >= since
    )
    return db.session.scalar(query) or 0


def reserve_attempt(email: str, ip: str) -> bool:
    """Record an attempt (commits); False, with the record withdrawn, when the limit is reached.

    The row stays as a failure unless the sign-in succeeds (`clear_failures`).
    """
    attempt = LoginAttempt(email=email.strip().lower()[:254], ip=ip[:64])
    db.session.add(attempt)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < utcnow() - WINDOW))
    db.session.commit()
    if recent_failures(email, ip) <= MAX_FAILURES:
        return True
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt.id))
    db.session.commit()
    return False


def clear_failures(email: str, ip: str) -> None:
    """Forget the failures once the user signs in (the caller commits)."""
    db.session.execute(delete(LoginAttempt).where(*_matching(email, ip)))
