"""Projections shown before a settings change is saved: per changed global slot (the accounts
following it) and for a bulk override change (the selected accounts)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from igny8.errors import DomainError, ResolutionError
from igny8.models import SLOTS
from igny8.services import projection
from igny8.services.account_bulk import load_accounts
from igny8.services.global_settings import global_models, load_global_settings
from igny8.services.projection_figures import Projection, build
from igny8.services.resolution import resolve_slots

DAYS = 30


@dataclass(frozen=True)
class SlotPreview:
    """One changed slot: its projection, or why there is none."""

    slot: str
    label: str
    projection: Projection | None = None
    note: str = ""


def slot_previews(changes: Mapping[str, int | None], today: date) -> list[SlotPreview]:
    """For each slot whose model changes, its followers' last 30 days at the new model."""
    start, end = projection.last_days(DAYS, today)
    previews = []
    for name, model_id in changes.items():
        label = SLOTS[name].label
        if model_id is None:
            previews.append(SlotPreview(name, label, note="Not set: the slot falls back to the"
                                                          " built-in default."))
            continue
        try:
            previews.append(SlotPreview(name, label,
                                        projection.project_slot(name, model_id, start, end)))
        except DomainError as error:
            previews.append(SlotPreview(name, label, note=error.message))
    return previews


def changed_slots(current: Mapping[str, int | None],
                  chosen: Mapping[str, int | None]) -> dict[str, int | None]:
    """The slots whose chosen model id differs from the current one."""
    return {name: model_id for name, model_id in chosen.items()
            if model_id != current.get(name)}


def _current_sources(accounts, slot_name: str) -> dict[int, int]:
    """Account id -> the model the slot resolves to for it now (unresolved accounts left out)."""
    resolved = resolve_slots(accounts, [slot_name])[slot_name]
    return {account_id: found.model.id for account_id, found in resolved.items()
            if not isinstance(found, ResolutionError)}


def bulk_projection(account_ids: Iterable[int], slot_name: str, model_id: int | None,
                    today: date) -> Projection | None:
    """The selected accounts' last 30 days on their current model of the slot, at the model
    the bulk change gives them (a clear: the global default); None when that is not set.

    Accounts already on the target are left out: nothing changes for them.
    """
    target_id = model_id
    if target_id is None:
        default = global_models(load_global_settings())[slot_name]
        target_id = default.id if default is not None else None
    if target_id is None:
        return None
    accounts = load_accounts(account_ids)
    sources = {a: m for a, m in _current_sources(accounts, slot_name).items() if m != target_id}
    target = projection.load_target(target_id)
    start, end = projection.last_days(DAYS, today)
    if not sources:
        return build(None, target, start, end, {})
    found = projection.compare(target, sorted(set(sources.values())), sorted(sources), start, end)
    mine = {key: part for key, part in found.items() if sources.get(key[1]) == key[0]}
    return build(None, target, start, end, mine)
