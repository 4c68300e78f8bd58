"""Catalogue import with a preview: classify every row of a file against the catalogue by its
natural key (provider, model_name); services/exchange_apply.py writes the rows chosen.

Classes: New, Changed (field-level diff old -> new), Unchanged, Only in the catalogue, Skipped
(with the reason), Error (field-named messages). A model missing from the file is never deleted.
Rows an admin edited by hand (origin manual, or an admin's create/update in the history) are
marked and left out of the default selection. Every rule is catalogue_rules' and the slot guards'.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from igny8.extensions import db
from igny8.models.audit import AuditEntry
from igny8.models.catalogue import AIModelConfig
from igny8.services import audit, exchange_litellm, exchange_records, exchange_successors
from igny8.services import prices
from igny8.services.catalogue import OBJECT_TYPE
from igny8.services.catalogue_guards import edit_errors
from igny8.services.catalogue_input import EDITABLE_FIELDS
from igny8.services.catalogue_rules import first_wins, model_errors
from igny8.services.costing import PriceBook
from igny8.services.exchange_records import Incoming

NEW, CHANGED, UNCHANGED, ONLY, SKIPPED, ERROR = (
    "new", "changed", "unchanged", "only_in_catalogue", "skipped", "error")
CLASSES = {NEW: "New", CHANGED: "Changed", UNCHANGED: "Unchanged",
           ONLY: "Only in the catalogue", SKIPPED: "Skipped", ERROR: "Error"}
FORMATS = ("litellm", "json", "csv")
HAND_ACTIONS = ("create", "update")
UNPRICED_NOTE = "price_per_image"


@dataclass
class PreviewRow:
    """One classified row: what would happen to it, and whether it is ticked by default."""

    key: str  # "provider/model_name", or the row's place in the file
    status: str
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [old, new]
    messages: dict[str, str] = field(default_factory=dict)  # errors, or {"reason": ...}
    hand_edited: bool = False
    model_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict, repr=False)
    tier: dict[str, Any] | None = field(default=None, repr=False)  # a new long-context tier
    notes: dict[str, str] = field(default_factory=dict)  # e.g. a successor left as it is
    successor_key: tuple[str, str] | None = None  # a successor this file creates

    @property
    def applicable(self) -> bool:
        """Whether applying the row would write something."""
        return self.status in (NEW, CHANGED)

    @property
    def default_ticked(self) -> bool:
        """New and Changed rows are ticked, unless an admin edited the model by hand."""
        return self.applicable and not self.hand_edited


@dataclass
class Preview:
    """Every classified row, in file order, then the models only in the catalogue."""

    rows: list[PreviewRow]

    def counts(self) -> dict[str, int]:
        """How many rows each class holds (every class listed)."""
        found = Counter(row.status for row in self.rows)
        return {status: found.get(status, 0) for status in CLASSES}


def parse(text: str, fmt: str, providers: Iterable[str] | None = None,
          modes: Iterable[str] | None = None) -> list[Incoming]:
    """The file's rows in `fmt`; an unreadable file raises ValidationFailed."""
    if fmt == "litellm":
        return list(exchange_litellm.parse(text, providers, modes))
    rows = list(exchange_records.parse_json(text) if fmt == "json"
                else exchange_records.parse_csv(text))
    if providers:
        wanted = set(providers)
        for row in rows:
            if row.provider not in wanted and not row.errors:
                row.skipped = f"provider {row.provider!r} is not selected"
    return rows


def hand_edited_ids() -> set[int]:
    """Ids of models an admin (a signed-in user) created or changed, from the history."""
    query = select(AuditEntry.object_id).where(
        AuditEntry.object_type == OBJECT_TYPE, AuditEntry.actor_id.is_not(None),
        AuditEntry.action.in_(HAND_ACTIONS)).distinct()
    return {int(value) for value in db.session.scalars(query) if value.isdigit()}


class _Catalogue:
    """The catalogue in memory for one preview: rows by key, names and aliases per provider."""

    def __init__(self) -> None:
        self.rows = list(db.session.scalars(select(AIModelConfig).order_by(AIModelConfig.id)))
        self.by_key = {(row.provider, row.model_name): row for row in self.rows}
        self.alias_of = {(row.provider, alias): row.model_name
                         for row in self.rows for alias in row.aliases or []}
        self.names: dict[str, list[tuple[str, list[str]]]] = {}
        for row in self.rows:
            self.names.setdefault(row.provider, []).append((row.model_name, row.aliases or []))
        self.hand = hand_edited_ids()
        book = PriceBook(row.id for row in self.rows)
        now = prices.utcnow()
        self.tiers = {row.id: prices.tier_of(book.in_force(row.id, now)) for row in self.rows}

    def others(self, provider: str, name: str) -> list[tuple[str, list[str]]]:
        """(model_name, aliases) of the provider's rows other than `name`."""
        return [pair for pair in self.names.get(provider, []) if pair[0] != name]


def _candidate(row: AIModelConfig | None, values: dict[str, Any]) -> AIModelConfig:
    """A transient model holding the row's fields with `values` applied, for the rules."""
    current = {name: getattr(row, name) for name in EDITABLE_FIELDS} if row else {}
    candidate = AIModelConfig(**{**current, **values})
    candidate.id = row.id if row else None
    return candidate


def _classify(item: Incoming, catalogue: _Catalogue, seen: set) -> PreviewRow:
    """The preview row of one file row."""
    key = item.key
    label = f"{key[0]}/{key[1]}" if key else item.label
    if item.skipped:
        return PreviewRow(label, SKIPPED, messages={"reason": item.skipped})
    if key is None:
        return PreviewRow(label, ERROR, messages=item.errors or {"file": "no key"})
    if key in seen:
        return PreviewRow(label, ERROR, messages={"model_name": "listed twice in the file"})
    seen.add(key)
    if key in catalogue.alias_of:
        reason = f"an alias of {catalogue.alias_of[key]!r} in the catalogue"
        return PreviewRow(label, SKIPPED, messages={"reason": reason})
    existing = catalogue.by_key.get(key)
    if existing is None and item.unpriced and not item.errors:  # a bad value: still an Error
        return PreviewRow(label, SKIPPED, messages={"reason": item.unpriced[0]})
    row = (_changed(label, item, existing, catalogue) if existing
           else _new(label, item, catalogue))
    if item.unpriced:  # a model the admin has: its other fields compared, its price kept
        row.notes[UNPRICED_NOTE] = item.unpriced[1]
    return row


def _new(label: str, item: Incoming, catalogue: _Catalogue) -> PreviewRow:
    """A row the catalogue lacks: New when the rules accept it, else Error."""
    values = {**item.new_defaults, **item.values}
    candidate = _candidate(None, values)
    errors = dict(item.errors)  # a value that could not be read names its field first
    first_wins(errors, model_errors(candidate, others=catalogue.names.get(item.provider, [])))
    if errors:
        return PreviewRow(label, ERROR, messages=errors)
    catalogue.names.setdefault(item.provider, []).append(
        (candidate.model_name, candidate.aliases or []))
    changes = {**audit.diff({}, audit.snapshot(candidate, sorted(values))),
               **audit.diff({}, item.tier)}
    return PreviewRow(label, NEW, changes=changes, values=values, tier=item.tier)


def _changed(label: str, item: Incoming, row: AIModelConfig,
             catalogue: _Catalogue) -> PreviewRow:
    """A row the catalogue has: Unchanged, Changed with its diff, or Error."""
    changed = {name: value for name, value in item.values.items() if getattr(row, name) != value}
    tier = _tier_change(item, catalogue.tiers.get(row.id) or {})
    hand = row.origin == "manual" or row.id in catalogue.hand
    if not changed and not tier and not item.errors:
        return PreviewRow(label, UNCHANGED, hand_edited=hand, model_id=row.id)
    candidate = _candidate(row, changed)
    errors = dict(item.errors)
    first_wins(errors, model_errors(candidate, others=catalogue.others(row.provider,
                                                                       row.model_name)))
    first_wins(errors, edit_errors(candidate, row.is_active, changed))
    if errors:
        return PreviewRow(label, ERROR, messages=errors, model_id=row.id)
    changes = {name: [audit.json_safe(getattr(row, name)), audit.json_safe(value)]
               for name, value in changed.items()}
    changes.update(audit.diff(catalogue.tiers.get(row.id) or {}, tier or {}))
    return PreviewRow(label, CHANGED, changes=changes, hand_edited=hand, model_id=row.id,
                      values=changed, tier=tier or None)


def _tier_change(item: Incoming, in_force: dict[str, Any]) -> dict[str, Any] | None:
    """The file's long-context tier when it differs from the one in force (LiteLLM's
    `*_above_200k_tokens`); None when the file has none or the same."""
    if not item.tier or all(in_force.get(name) == value for name, value in item.tier.items()):
        return None
    return item.tier


def preview(items: Iterable[Incoming]) -> Preview:
    """Classify every file row against the catalogue, then list the models the file lacks."""
    catalogue, seen, items = _Catalogue(), set(), list(items)
    rows = [_classify(item, catalogue, seen) for item in items]
    exchange_successors.resolve(list(zip(items, rows)), catalogue.rows)
    for model in catalogue.rows:
        if (model.provider, model.model_name) not in seen:
            rows.append(PreviewRow(f"{model.provider}/{model.model_name}", ONLY,
                                   model_id=model.id,
                                   hand_edited=model.origin == "manual"
                                   or model.id in catalogue.hand))
    return Preview(rows)
