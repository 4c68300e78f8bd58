"""Seeding the global settings: row 1 created if missing, each empty slot given its configured
default model when that model may fill it."""
from __future__ import annotations

from igny8.extensions import db
from igny8.models import GLOBAL_SETTINGS_ID, SLOTS, AIModelConfig, GlobalIntegrationSettings, Slot
from igny8.services.catalogue import match_name
from igny8.services.seed_report import SeedReport
from igny8.services.slot_choices import model_ref


def fill_slots(rows: list[AIModelConfig], defaults: dict[str, str], report: SeedReport) -> None:
    """Create settings row 1 if missing and give each empty slot its default model."""
    settings = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    if settings is None:
        settings = GlobalIntegrationSettings(id=GLOBAL_SETTINGS_ID)
        db.session.add(settings)
        report.settings_action = "create"
    for slot in SLOTS.values():
        if getattr(settings, slot.column) is not None:
            report.slots_kept.append(slot.name)
            continue
        name = defaults.get(slot.name)
        candidates = [row for row in rows if slot.provider in (None, row.provider)]
        model = match_name(candidates, name) if name else None
        reason = _slot_problem(slot, name, model)
        if reason:
            report.slots_empty[slot.name] = reason
        else:
            setattr(settings, slot.name, model)
            report.slots_filled[slot.name] = model.model_name
            report.slot_changes[slot.name] = [None, model_ref(model)]


def _slot_problem(slot: Slot, name: str | None, model: AIModelConfig | None) -> str | None:
    """Why the default `name` cannot fill `slot`, or None when it can."""
    if not name:
        return "no default model is configured"
    if model is None:
        return f"no {slot.provider or 'catalogue'} model is named {name!r}"
    return slot.why_not(model)
