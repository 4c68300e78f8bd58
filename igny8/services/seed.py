"""Seeding: load the packaged catalogue and fill the empty global model slots.

The rule: a catalogue entry missing from the database (by provider and model_name) is inserted
with origin 'seed'; an existing row whose origin is still 'seed' is refreshed from the file; a row
with any other origin (created by an admin, or a seed row an admin edited, see `update_model`)
is never touched. Global settings row 1 is created if missing, and only EMPTY slots get their
default model (`IGNY8_DEFAULT_MODELS`), and only when that model may fill the slot (right
provider and type, active). Everything is validated by the catalogue rules, as an admin's edit
would be (a refresh may not deactivate or retype a model a global slot uses), and every row
written and every slot filled is recorded in the history as "cli", all in one commit.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models import GLOBAL_SETTINGS_ID, AIModelConfig
from igny8.pricing import PRICE_FIELDS
from igny8.services import audit, locking, prices
from igny8.services.catalogue import OBJECT_TYPE, clean_fields, match_name
from igny8.services.catalogue_guards import edit_errors
from igny8.services.catalogue_rules import model_errors
from igny8.services.catalogue_input import EDITABLE_FIELDS
from igny8.services.global_settings import GLOBAL_REPR
from igny8.services.seed_report import SeedReport
from igny8.services.seed_slots import fill_slots
from igny8.services.successor_rules import successor_errors
from igny8.services.unit_of_work import Entry, unit_of_work

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"
# A field an entry leaves out takes this value, so the file fully describes its seed rows.
ENTRY_DEFAULTS: dict[str, Any] = {
    "is_active": False, "input_price_per_1m": None, "cached_input_price_per_1m": None,
    "output_price_per_1m": None, "price_per_image": None, "context_window": None,
    "max_output_tokens": None, "aliases": [], "deprecation_date": None, "notes": "",
    "price_source": "", "price_checked_on": None,
}


def load_entries(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    """The model entries of a catalogue data file."""
    return json.loads(path.read_text(encoding="utf-8"))["models"]


def seed_catalogue(defaults: dict[str, str], entries: list[dict[str, Any]] | None = None
                   ) -> SeedReport:
    """Upsert the catalogue entries and fill empty slots with `defaults`; one commit."""
    entries = load_entries() if entries is None else entries
    locking.lock_for_seed()
    rows = list(db.session.scalars(select(AIModelConfig).order_by(AIModelConfig.id)))
    report = SeedReport()
    for entry in entries:
        _seed_entry({name: value for name, value in entry.items() if name != "successor"},
                    rows, report)
    seed_successors(entries, rows, report)
    fill_slots(rows, defaults, report)
    with unit_of_work(audit.CLI, "The catalogue") as work:
        for _, model, before in report.writes:  # a changed price is a new version, from now
            work.record(prices.record_model_prices(
                model, prices.parsed({f: before.get(f) for f in PRICE_FIELDS}), None, None,
                audit.CLI.name))
        work.record(lambda: _history(report))
    return report


def _history(report: SeedReport) -> list[Entry]:
    """One history entry per catalogue row written and one for the slots filled (after the
    flush, so new rows have their ids)."""
    entries = [
        Entry(action, OBJECT_TYPE, model.id, model.plain_label,
              audit.diff(before, audit.snapshot(model, sorted(EDITABLE_FIELDS))))
        for action, model, before in report.writes
    ]
    entries.append(Entry(report.settings_action, "global_settings", GLOBAL_SETTINGS_ID,
                         GLOBAL_REPR, report.slot_changes))
    return entries


def _others(rows: list[AIModelConfig], model: AIModelConfig) -> list[tuple[str, list[str], str]]:
    """(model_name, aliases, display_name) of the same provider's other rows, from memory."""
    return [(row.model_name, row.aliases or [], row.display_name) for row in rows
            if row.provider == model.provider and row is not model]


def _seed_entry(entry: dict[str, Any], rows: list[AIModelConfig], report: SeedReport) -> None:
    """Insert, refresh or leave one catalogue entry, recording which in `report`."""
    key = f"{entry.get('provider')}/{entry.get('model_name')}"
    try:
        values, errors = clean_fields({**ENTRY_DEFAULTS, **entry, "origin": "seed"})
    except ValidationFailed as exc:  # unknown keys in the file
        report.skipped[key] = exc.message
        return
    existing = next((row for row in rows if (row.provider, row.model_name)
                     == (values.get("provider"), values.get("model_name"))), None)
    if errors:
        report.skipped[key] = "; ".join(f"{name}: {message}" for name, message in errors.items())
    elif existing is None:
        _insert(values, rows, report, key)
    elif existing.origin != "seed":
        report.kept.append(key)
    else:
        _refresh(existing, values, rows, report, key)


def _insert(values: dict[str, Any], rows: list[AIModelConfig], report: SeedReport,
            key: str) -> None:
    """Add a new seed row when the catalogue rules accept it."""
    model = AIModelConfig(**values)
    errors = model_errors(model, others=_others(rows, model))
    if errors:
        report.skipped[key] = "; ".join(f"{name}: {message}" for name, message in errors.items())
        return
    db.session.add(model)
    rows.append(model)
    report.created.append(key)
    report.writes.append(("create", model, {}))


def _refresh(model: AIModelConfig, values: dict[str, Any], rows: list[AIModelConfig],
             report: SeedReport, key: str) -> None:
    """Bring a seed row up to date with its entry, or leave it as it was if that breaks a rule."""
    old = {name: getattr(model, name) for name, value in values.items()
           if getattr(model, name) != value}
    if not old:
        report.unchanged.append(key)
        return
    before = audit.snapshot(model, sorted(EDITABLE_FIELDS))
    with db.session.no_autoflush:
        for name in old:
            setattr(model, name, values[name])
        errors = _refresh_errors(model, old, rows)
        if errors:
            for name, value in old.items():
                setattr(model, name, value)
            report.skipped[key] = "; ".join(f"{name}: {msg}" for name, msg in errors.items())
            return
    report.updated.append(key)
    report.writes.append(("update", model, before))


def _refresh_errors(model: AIModelConfig, old: dict[str, Any],
                    rows: list[AIModelConfig]) -> dict[str, str]:
    """The rules an admin's edit must pass (update_model): catalogue rules, then the global
    slot guards; the first message for a field wins."""
    errors = model_errors(model, others=_others(rows, model))
    return {**edit_errors(model, bool(old.get("is_active")), old), **errors}


def seed_successors(entries: list[dict[str, Any]], rows: list[AIModelConfig],
                    report: SeedReport) -> None:
    """Point each seed row at the successor its entry names (same provider, by name or alias);
    an entry without one clears it. Rows the admin owns are left alone."""
    db.session.flush()  # new rows need their ids
    seeded = {(row.provider, row.model_name): row for row in rows if row.origin == "seed"}
    for entry in entries:
        model = seeded.get((entry.get("provider"), entry.get("model_name")))
        if model is None:
            continue
        name = entry.get("successor")
        successor = match_name([r for r in rows if r.provider == model.provider], name) if name \
            else None
        wanted = successor.id if successor else None
        if model.successor_id != wanted:
            _set_successor(model, wanted, report)


def _set_successor(model: AIModelConfig, successor_id: int | None, report: SeedReport) -> None:
    """Set the successor when the catalogue rules allow it, noting the row as updated."""
    key = f"{model.provider}/{model.model_name}"
    before = audit.snapshot(model, sorted(EDITABLE_FIELDS))
    old, model.successor_id = model.successor_id, successor_id
    errors = successor_errors(model)
    if errors:
        model.successor_id = old
        report.skipped[f"{key} successor"] = errors["successor_id"]
        return
    if key in report.unchanged:
        report.unchanged.remove(key)
        report.updated.append(key)
    if not any(written is model for _, written, _ in report.writes):
        report.writes.append(("update", model, before))
