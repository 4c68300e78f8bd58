"""The filters of the usage and cost reports, from the text users send to a report Scope.

`start` and `end` are UTC dates (YYYY-MM-DD: the whole day, both ends inclusive) or ISO 8601
instants (naive ones are UTC; an instant `end` is inclusive). Cost reports are summed per UTC
day, so they take dates (an instant at 00:00 UTC counts as its date). Every refusal names the
field at fault; nothing here reads a request.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from igny8 import lifecycle
from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models.accounts import Account
from igny8.models.catalogue import AIModelConfig
from igny8.services.numbers import parse_id
from igny8.services.usage_store.reports import Cursor, Scope
from igny8.services.utc_days import LAST_INSTANT, day_end, midnight, to_utc

DEFAULT_DAYS = 30
MAX_DAYS = 366
FILTERS = ("account_id", "model_id", "start", "end")
DATE_SYNTAX = "a date as YYYY-MM-DD or an ISO 8601 time such as 2026-11-30T14:00:00Z"
ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Moment:
    """A parsed `start`/`end`: its UTC day, and the instant when one was given."""

    day: date
    instant: datetime | None = None


def parse_moment(text: str) -> Moment:
    """A date or an ISO 8601 time (to UTC); ValueError when it is neither."""
    text = text.strip()
    if len(text) == 10:
        return Moment(date.fromisoformat(text))
    moment = datetime.fromisoformat(text)
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else to_utc(moment)
    return Moment(moment.date(), moment)


def _moments(values: Mapping[str, str | None], whole_days: bool,
             problems: dict[str, str]) -> dict[str, Moment]:
    """The `start` and `end` sent, parsed; what cannot be parsed goes to `problems`."""
    found = {}
    for name in ("start", "end"):
        text = (values.get(name) or "").strip()
        if not text:
            continue
        try:
            found[name] = parse_moment(text)
        except ValueError:
            problems[name] = f"Not a valid {name}: send {DATE_SYNTAX}."
            continue
        instant = found[name].instant
        if whole_days and instant is not None:
            if instant.timetz() != time(tzinfo=timezone.utc):
                problems[name] = "This report is summed per UTC day: send a date as YYYY-MM-DD."
            found[name] = Moment(found[name].day)
    return found


def _ids(values: Mapping[str, str | None], problems: dict[str, str]) -> dict[str, int]:
    """The account and model ids sent; a malformed one goes to `problems`."""
    found = {}
    for name in ("account_id", "model_id"):
        text = (values.get(name) or "").strip()
        if text and parse_id(text) is None:
            problems[name] = f"Not a valid {name}: send a positive whole number."
        elif text:
            found[name] = parse_id(text)
    return found


def _check_known(ids: dict[str, int], problems: dict[str, str]) -> None:
    """An unknown account or model id goes to `problems` (one query per id sent)."""
    tables = {"account_id": (Account, "account"), "model_id": (AIModelConfig, "AI model")}
    for name, value in ids.items():
        table, noun = tables[name]
        if db.session.scalar(select(table.id).where(table.id == value)) is None:
            problems[name] = f"There is no {noun} with id {value}."


def _defaults(moments: dict[str, Moment]) -> tuple[Moment, Moment]:
    """The range sent, or by default the last DEFAULT_DAYS days up to today (UTC)."""
    today = lifecycle.today()
    end = moments.get("end") or Moment(max(today, moments["start"].day) if "start" in moments
                                       else today)
    first = date.fromordinal(max(1, end.day.toordinal() - (DEFAULT_DAYS - 1)))
    start = moments.get("start") or Moment(first)
    return start, end


def _scope(moments: dict[str, Moment], ids: dict[str, int], problems: dict[str, str]) -> Scope:
    """The Scope of the range and ids; an empty or too long range goes to `problems`."""
    start, end = _defaults(moments)
    scope = Scope(first_day=start.day, last_day=end.day,
                  starts_at=start.instant or midnight(start.day),
                  ends_before=_after(end), **ids)
    if scope.starts_at >= scope.ends_before:
        problems["end"] = "The end is before the start."
    elif (scope.last_day - scope.first_day).days + 1 > MAX_DAYS:
        problems["end"] = f"Ask for at most {MAX_DAYS} days at a time."
    return scope


def parse_scope(values: Mapping[str, str | None], whole_days: bool = False) -> Scope:
    """A Scope from the filters' text (FILTERS, all optional); ValidationFailed naming each
    field at fault, the unknown account or model included."""
    problems: dict[str, str] = {}
    ids = _ids(values, problems)
    moments = _moments(values, whole_days, problems)
    scope = None if problems else _scope(moments, ids, problems)
    if not problems:
        _check_known(ids, problems)
    if problems or scope is None:
        raise ValidationFailed("The filters are not valid: " + ", ".join(problems) + ".",
                               problems)
    return scope


def _after(end: Moment) -> datetime:
    """Where an inclusive `end` stops (exclusive): just after its instant, or its day's end."""
    if end.instant is None:
        return day_end(end.day)
    return end.instant if end.instant == LAST_INSTANT else end.instant + ONE_MICROSECOND


# A page cursor is where the page ended: `<microseconds since 1970-01-01 UTC>-<record id>`.
# Every text of this shape is a position (pages are keyset ranges), so none is refused.
CURSOR_PATTERN = r"^[0-9]{1,16}-[0-9]{1,18}$"
_CURSOR = re.compile(CURSOR_PATTERN)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def encode_cursor(cursor: Cursor) -> str:
    """The URL-safe token for where a record page ended."""
    moment = cursor.occurred_at  # SQLite reads stored UTC times back naive
    moment = to_utc(moment) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    micros = (moment - EPOCH) // ONE_MICROSECOND
    return f"{micros}-{cursor.record_id}"


def decode_cursor(token: str | None) -> Cursor | None:
    """The position a token names; ValidationFailed naming `after` for another text."""
    if not token:
        return None
    if not _CURSOR.fullmatch(token):  # `$` alone would let a trailing newline through
        raise ValidationFailed("The page cursor is not valid.",
                               {"after": "Not a cursor from this report: follow its next link."})
    micros, _, record_id = token.partition("-")
    return Cursor(EPOCH + timedelta(microseconds=int(micros)), int(record_id))
