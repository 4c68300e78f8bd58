"""Edit conflicts on the admin forms: what I loaded, what is stored now, what I typed.

A form carries the values it was loaded with (the hidden `loaded` field, JSON). When a save
is refused as stale, the page compares, field by field, the loaded value with the stored one
(their change) and with the typed one (mine), and offers the typed changes on top of the
latest version: fields I did not touch take their value, fields I changed keep mine.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

Values = Mapping[str, str]


def dump_loaded(values: Values) -> str:
    """The `loaded` hidden field's value for these form values."""
    return json.dumps(dict(values), sort_keys=True, separators=(",", ":"))


def parse_loaded(raw: str | None) -> dict[str, str]:
    """The values a form was loaded with; {} when the field is missing or not ours."""
    try:
        loaded = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(name): str(value) for name, value in loaded.items() if value is not None}


@dataclass(frozen=True)
class ConflictRow:
    """One field that they or I changed since the form was loaded."""

    label: str
    loaded: str
    theirs: str
    mine: str

    @property
    def they_changed(self) -> bool:
        """Someone else saved another value since I loaded the form."""
        return self.theirs != self.loaded

    @property
    def i_changed(self) -> bool:
        """I typed another value than the one I loaded."""
        return self.mine != self.loaded


@dataclass
class Conflict:
    """A refused stale save: the message, the differing fields and the merged values."""

    message: str
    rows: list[ConflictRow] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)
    reload_url: str = ""


def build_conflict(message: str, labels: Mapping[str, str], loaded: Values, theirs: Values,
                   mine: Values, show: Callable[[str, str], str], reload_url: str) -> Conflict:
    """Compare the three versions of every labelled field; `show(name, raw)` words a value.

    A field missing from `loaded` (an old form) counts as loaded with their value, so only
    what I typed differently is offered as my change.
    """
    conflict = Conflict(message, reload_url=reload_url)
    for name, label in labels.items():
        now, typed = theirs.get(name, ""), mine.get(name, "")
        before = loaded.get(name, now)
        conflict.merged[name] = typed if typed != before else now
        if now != before or typed != before:
            conflict.rows.append(ConflictRow(label, show(name, before), show(name, now),
                                             show(name, typed)))
    return conflict
