"""schemathesis hooks for bench/schemathesis_run.sh: the two kinds of rule no OpenAPI document
can state, applied to the valid (positive) cases schemathesis generates.

- A bound relative to the clock: `price_checked_on` and a price version's `checked_on` are at
  most today (UTC), a usage record's `occurred_at` is not in the future. A generated value
  after now is replaced by today (or now); earlier values are left as generated.
- A comparison between two values, or across a list: a report's `end` is not before its
  `start` and the range is at most 366 days (reversed bounds are swapped; a longer range keeps
  its `end` and starts 365 days before it; a `start` alone more than 366 days ago gets the
  `end` 365 days later); a record's `cached_input_tokens` is at most its `input_tokens`
  (lowered to it); a model's `max_output_tokens` is at most its `context_window` (lowered to
  it); the `request_id`s of one batch differ (a repeated one gets a suffix); a model's
  aliases differ from each other and from its `model_name` once their outer white space is
  removed, as the server stores names (the document says `uniqueItems`, which compares them
  as sent): a repeated one is left out.

Nothing else is changed: invalid (negative) cases go out as generated, every check runs, and
the server's refusal of each rule above has tests of its own
(tests/api/test_rules_beyond_the_document.py).
Loaded through SCHEMATHESIS_HOOKS by the run script; schemathesis is not a project dependency.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import schemathesis

MAX_DAYS = 366
DAY_FIELDS = ("price_checked_on", "checked_on")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _moment(text, end: bool) -> datetime | None:
    """A date's first (or, for an `end`, last) instant, or an ISO 8601 time, in UTC."""
    if not isinstance(text, str):
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end else time.min, timezone.utc)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None \
        else moment.astimezone(timezone.utc)


def _ordered_range(query: dict) -> None:
    """`end` not before `start`, at most MAX_DAYS days apart (in place)."""
    start, end = _moment(query.get("start"), False), _moment(query.get("end"), True)
    if start is not None and "end" not in query:  # the end defaults to today (or the start)
        last = max(_utc_now().date(), start.date())
        if (last - start.date()).days + 1 > MAX_DAYS:
            query["end"] = (start.date() + timedelta(days=MAX_DAYS - 1)).isoformat()
        return
    if start is None or end is None:
        return
    if start > end:
        query["start"], query["end"] = query["end"], query["start"]
        start, end = _moment(query["start"], False), _moment(query["end"], True)
        if start is None or end is None:
            return
    if (end.date() - start.date()).days + 1 > MAX_DAYS:
        first = end.date() - timedelta(days=MAX_DAYS - 1)
        query["start"] = first.isoformat()


def _not_after_today(body: dict) -> None:
    """Dates of a price check at most today (in place)."""
    today = _utc_now().date()
    for name in DAY_FIELDS:
        value = body.get(name)
        if isinstance(value, str) and len(value) == 10:
            try:
                if date.fromisoformat(value) > today:
                    body[name] = today.isoformat()
            except ValueError:
                continue


def _window(body: dict) -> None:
    """A model's output limit within its context window (in place)."""
    window, output = body.get("context_window"), body.get("max_output_tokens")
    if isinstance(window, int) and isinstance(output, int) and output > window:
        body["max_output_tokens"] = window


def _aliases(body: dict) -> None:
    """A model's aliases distinct once stripped, none its own name (in place)."""
    aliases = body.get("aliases")
    if not isinstance(aliases, list):
        return
    name = body.get("model_name")
    seen = {name.strip()} if isinstance(name, str) else set()
    kept = []
    for alias in aliases:
        key = alias.strip() if isinstance(alias, str) else alias
        if key not in seen:
            kept.append(alias)
            seen.add(key)
    body["aliases"] = kept


def _records(body: dict) -> None:
    """Usage records: occurred_at at most now, cached input within the input, one request_id
    each (in place)."""
    records = body.get("records")
    if not isinstance(records, list):
        return
    now = _utc_now() - timedelta(seconds=1)
    seen: set = set()
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            continue
        moment = _moment(record.get("occurred_at"), False)
        if moment is not None and moment > now:
            record["occurred_at"] = now.isoformat()
        cached, given = record.get("cached_input_tokens", 0), record.get("input_tokens", 0)
        if isinstance(cached, int) and isinstance(given, int) and cached > given:
            record["cached_input_tokens"] = given
        request_id = record.get("request_id")
        if isinstance(request_id, str) and request_id in seen:
            record["request_id"] = f"{request_id[:190]}~{index}"
        seen.add(record.get("request_id"))


@schemathesis.hook
def map_case(context, case):
    """Apply the clock and comparison rules to a positive case's query and body."""
    meta = getattr(case, "meta", None)
    if meta is not None and not meta.generation.mode.is_positive:
        return case
    if isinstance(case.query, dict):
        _ordered_range(case.query)
    if isinstance(case.body, dict):
        _not_after_today(case.body)
        _window(case.body)
        _aliases(case.body)
        _records(case.body)
    return case
