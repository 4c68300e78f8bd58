"""Sign-in throttling: too many failures for one email from one address lock it out for a while."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from igny8.extensions import db
from igny8.models.base import utcnow
from igny8.models.users import LoginAttempt

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _matching(email: str, ip: str):
    return (LoginAttempt.email == email.strip().lower(), LoginAttempt.ip == ip)


def recent_failures(email: str, ip: str) -> int:
    """Failed sign-ins for `email` from `ip` within the window."""
    since = utcnow() - WINDOW
    query = select(func.count(LoginAttempt.id)).where(
        *_matching(email, ip), LoginAttempt.created_at >= since
    )
    return db.session.scalar(query) or 0


def is_locked(email: str, ip: str) -> bool:
    """Whether sign-in for `email` from `ip` is refused for now."""
    return recent_failures(email, ip) >= MAX_FAILURES


def record_failure(email: str, ip: str) -> None:
    """Count one failed sign-in and drop attempts older than the window (commits)."""
    db.session.add(LoginAttempt(email=email.strip().lower()[:254], ip=ip[:64]))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < utcnow() - WINDOW))
    db.session.commit()


def clear_failures(email: str, ip: str) -> None:
    """Forget the failures once the user signs in (the caller commits)."""
    db.session.execute(delete(LoginAttempt).where(*_matching(email, ip)))
