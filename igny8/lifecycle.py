"""A model's lifecycle state from its deprecation date: active, retiring, retired or inactive.

`today()` is the one clock (UTC dates); the retiring window is the `IGNY8_RETIRING_DAYS`
setting (default 60 days). Pure functions: the SQL form of the state is
igny8/services/lifecycle.py's.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from flask import Flask, current_app, has_app_context
from markupsafe import Markup

DEFAULT_RETIRING_DAYS = 60
ACTIVE, RETIRING, RETIRED, INACTIVE = "active", "retiring", "retired", "inactive"
STATES = {ACTIVE: "Active", RETIRING: "Retiring", RETIRED: "Retired", INACTIVE: "Inactive"}
# The order a sort by state follows: what needs attention last, inactive at the end.
STATE_RANK = {ACTIVE: 0, RETIRING: 1, RETIRED: 2, INACTIVE: 3}
BADGE_CLASSES = {ACTIVE: "text-bg-success", RETIRING: "text-bg-warning",
                 RETIRED: "text-bg-danger", INACTIVE: "text-bg-secondary"}


def today() -> date:
    """Today's date in UTC: every state is computed against it."""
    return datetime.now(timezone.utc).date()


def retiring_days() -> int:
    """How many days before its deprecation date a model counts as retiring."""
    if not has_app_context():
        return DEFAULT_RETIRING_DAYS
    return int(current_app.config.get("IGNY8_RETIRING_DAYS", DEFAULT_RETIRING_DAYS))


def retiring_until(on: date | None = None) -> date:
    """The last deprecation date that makes a model retiring (rather than active) on `on`."""
    return (on or today()) + timedelta(days=retiring_days())


def date_state(deprecation_date: date | None, on: date | None = None) -> str:
    """The state the date alone gives: retired from the deprecation day on, retiring within
    the window before it (the window's last day included), else active."""
    on = on or today()
    if deprecation_date is None:
        return ACTIVE
    if deprecation_date <= on:
        return RETIRED
    return RETIRING if deprecation_date <= retiring_until(on) else ACTIVE


def state_of(model: Any, on: date | None = None) -> str:
    """The model's state: inactive as its flag says, else what its deprecation date gives."""
    if not model.is_active:
        return INACTIVE
    return date_state(model.deprecation_date, on)


def badge_text(model: Any, on: date | None = None) -> str:
    """`retires 2027-01-14` or `retired 2026-05-12` by the date alone; "" otherwise."""
    state = date_state(model.deprecation_date, on)
    if state == RETIRING:
        return f"retires {model.deprecation_date.isoformat()}"
    if state == RETIRED:
        return f"retired {model.deprecation_date.isoformat()}"
    return ""


def with_badge(label: str, model: Any) -> str:
    """A dropdown label with ` · retires …` appended when the model is retiring or retired."""
    badge = badge_text(model)
    return f"{label} · {badge}" if badge else label


def state_badge(model: Any) -> Markup:
    """The state as a coloured badge, with the date when retiring or retired."""
    state = state_of(model)
    text = STATES[state]
    if state in (RETIRING, RETIRED):
        text = f"{text} {model.deprecation_date.isoformat()}"
    return Markup('<span class="badge {}">{}</span>').format(BADGE_CLASSES[state], text)


def register_filters(app: Flask) -> None:
    """The templates' `state_badge` filter."""
    app.add_template_filter(state_badge, "state_badge")
