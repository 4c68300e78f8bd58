"""UTC days as instants, to both ends of the calendar Python holds (years 1 to 9999)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

FIRST_INSTANT = datetime.min.replace(tzinfo=timezone.utc)
LAST_INSTANT = datetime.max.replace(tzinfo=timezone.utc)


def midnight(day: date) -> datetime:
    """The start of a UTC day."""
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def day_end(day: date) -> datetime:
    """Where a UTC day ends (exclusive): the next midnight; after 9999-12-31, the last instant
    Python holds (no record can be later)."""
    return LAST_INSTANT if day == date.max else midnight(day + timedelta(days=1))


def days_from(first: date, last: date) -> list[date]:
    """The days from `first` to `last`, both included (up to 9999-12-31 without overflow)."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def to_utc(moment: datetime) -> datetime:
    """An aware time in UTC; one beyond the calendar's ends (year 1 at +05:00) clamped to them,
    which no stored record lies beyond."""
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        return FIRST_INSTANT if moment.year == 1 else LAST_INSTANT
