"""One usage record as a client sends it (a JSON object, a CSV row, a service call): its fields,
their types and bounds, checked without the database; each problem is named by its field.

`occurred_at` is ISO 8601 with an offset (`Z` or `+02:00`) and is stored in UTC; a time
without an offset is refused rather than guessed (a wrong guess moves the record to another
day and maybe another price). A time more than FUTURE_SLACK ahead of now is refused too.
Counts are JSON integers (not strings, fractions or booleans) from 0 to their bound and
default to 0.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from igny8.models.slots import SLOTS
from igny8.models.usage import COUNTS
from igny8.services.costing import as_utc
from igny8.services.numbers import MAX_ID
from igny8.services.usage_store.records import SENT_COLUMNS

REQUIRED = ("request_id", "account_id", "model_id", "occurred_at")
MAX_REQUEST_ID = 200
# What str.strip() removes, spelled out so every regex engine reads the documented pattern alike.
WHITE_SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A request id: no NUL, and something besides white space.
REQUEST_ID_PATTERN = rf"^[^\x00]*[^\x00{WHITE_SPACE}][^\x00]*$"
MAX_TOKENS = 100_000_000  # per request: far beyond any context window, far inside BIGINT sums
MAX_IMAGES = 10_000
BOUNDS = {"input_tokens": MAX_TOKENS, "cached_input_tokens": MAX_TOKENS,
          "output_tokens": MAX_TOKENS, "images": MAX_IMAGES}
FUTURE_SLACK = timedelta(minutes=5)  # clocks of the sending systems may run a little ahead
RECORD_FIELD = "_record"
Problems = dict[str, str]


class Refused(ValueError):
    """A field's value is refused; the message says why."""


def _is_int(value: Any) -> bool:
    """A JSON integer: an int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def parse_request_id(value: Any) -> str:
    """The client's id of the request: text of 1 to 200 characters, kept as sent."""
    if not isinstance(value, str):
        raise Refused("must be a string")
    if not value.strip():
        raise Refused("must not be empty")
    if len(value) > MAX_REQUEST_ID:
        raise Refused(f"must be at most {MAX_REQUEST_ID} characters (got {len(value):,})")
    if "\x00" in value:
        raise Refused("must not contain a NUL (\\x00) character")
    return value


def parse_id(value: Any) -> int:
    """An id: a JSON integer from 1."""
    if not _is_int(value) or not 1 <= value <= MAX_ID:
        raise Refused("must be a whole number id (1 or more)")
    return value


def parse_slot(value: Any) -> str | None:
    """The slot the request ran through, or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in SLOTS:
        raise Refused(f"must be one of {', '.join(SLOTS)} (or left out)")
    return value


def parse_occurred_at(value: Any, latest: datetime) -> datetime:
    """When the request ran, in UTC: ISO 8601 text (or a datetime) with an offset, not after
    `latest` (now + FUTURE_SLACK)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise Refused("must be an ISO 8601 time, e.g. 2026-11-25T13:24:09Z") from None
    if not isinstance(value, datetime):
        raise Refused("must be an ISO 8601 time, e.g. 2026-11-25T13:24:09Z")
    if value.tzinfo is None or value.utcoffset() is None:
        raise Refused("must carry its UTC offset, e.g. 2026-11-25T13:24:09Z or +01:00")
    moment = as_utc(value)
    if moment > latest:
        now = latest - FUTURE_SLACK
        raise Refused(f"is in the future (now is {now:%Y-%m-%d %H:%M:%S} UTC)")
    return moment


def parse_count(value: Any, bound: int) -> int:
    """A count: a JSON integer from 0 to `bound`; missing or null is 0."""
    if value is None:
        return 0
    if not _is_int(value) or not 0 <= value <= bound:
        raise Refused(f"must be a whole number from 0 to {bound:,}")
    return value


def field_parsers(now: datetime) -> dict:
    """Field -> the function reading its value."""
    latest = as_utc(now) + FUTURE_SLACK
    parsers = {"request_id": parse_request_id, "account_id": parse_id, "model_id": parse_id,
               "slot": parse_slot, "occurred_at": lambda value: parse_occurred_at(value, latest)}
    for name in COUNTS:
        parsers[name] = lambda value, bound=BOUNDS[name]: parse_count(value, bound)
    return parsers


def _unknown_and_missing(raw: Mapping) -> Problems:
    """Fields the record has that no record has, and required fields it lacks."""
    problems = {str(name): "is not a field of a usage record" for name in raw
                if name not in SENT_COLUMNS}
    for name in REQUIRED:
        if raw.get(name) is None or raw.get(name) == "":
            problems[name] = "is required"
    return problems


def parse_record(raw: Any, now: datetime,
                 parsers: dict | None = None) -> tuple[dict[str, Any] | None, Problems]:
    """(column -> value, {}) for a good record, else (None, field -> problem); `parsers`
    (field_parsers(now)) may be passed once for a whole batch."""
    if not isinstance(raw, Mapping):
        return None, {RECORD_FIELD: "must be an object with the fields of a usage record"}
    problems = _unknown_and_missing(raw)
    values: dict[str, Any] = {}
    for name, parse in (parsers or field_parsers(now)).items():
        if name in problems:
            continue
        try:
            values[name] = parse(raw.get(name))
        except Refused as refused:
            problems[name] = str(refused)
    if not problems and values["cached_input_tokens"] > values["input_tokens"]:
        problems["cached_input_tokens"] = (
            f"must not exceed input_tokens ({values['input_tokens']:,}): input_tokens counts"
            " every prompt token, cached ones included")
    return (None, problems) if problems else (values, {})
