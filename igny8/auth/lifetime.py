"""Session lifetime: a signed-in session ends after a while idle and after a fixed time in total.

The two times travel in the signed session cookie, so every worker agrees without a table:
IGNY8_SESSION_IDLE_MINUTES (default 30) and IGNY8_SESSION_MAX_HOURS (default 12).
"""
from __future__ import annotations

import time

from flask import current_app, session

SIGNED_IN_AT = "_igny8_signed_in_at"
SEEN_AT = "_igny8_seen_at"
# Re-stamping at most once a minute keeps the cookie from being re-sent on every response.
TOUCH_EVERY_SECONDS = 60


def start() -> None:
    """Stamp a new sign-in."""
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def expiry_message() -> str | None:
    """Why the current session has ended, or None (then the activity stamp is refreshed)."""
    now = int(time.time())
    if SIGNED_IN_AT not in session:
        # Only sessions made outside the sign-in form (tests) lack stamps: they start now.
        start()
        return None
    idle = int(current_app.config["IGNY8_SESSION_IDLE_MINUTES"])
    longest = int(current_app.config["IGNY8_SESSION_MAX_HOURS"])
    if now - int(session[SIGNED_IN_AT]) > longest * 3600:
        return f"You were signed out {longest} hours after signing in. Please sign in again."
    if now - int(session.get(SEEN_AT, 0)) > idle * 60:
        return f"You were signed out after {idle} minutes without activity. Please sign in again."
    if now - int(session.get(SEEN_AT, 0)) >= TOUCH_EVERY_SECONDS:
        session[SEEN_AT] = now
    return None
