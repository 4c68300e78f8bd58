"""Global integration settings (row 1): the model per slot, each slot's choices and followers,
and the audited update both the settings screen and the API call with model ids."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from igny8.extensions import db
from igny8.models import (
    GLOBAL_SETTINGS_ID,
    SLOTS,
    Account,
    AIModelConfig,
    GlobalIntegrationSettings,
    IntegrationSettings,
    get_slot,
)
from igny8.services import audit, locking
from igny8.services.audit import Actor
from igny8.services.locking import check_version
from igny8.services.slot_choices import model_ref, models_by_id, raise_if_invalid
from igny8.services.unit_of_work import Entry, commit

GLOBAL_REPR = "Global integration settings"


@dataclass(frozen=True)
class SlotUsage:
    """How many accounts follow the global value of a slot and how many override it."""

    followers: int
    overrides: int


def active_models_by_slot() -> dict[str, list[AIModelConfig]]:
    """Every slot's choices from ONE query: the slots' own choice rules OR-ed, split per slot."""
    rules = or_(*(slot.choices_query().whereclause for slot in SLOTS.values()))
    query = (
        select(AIModelConfig)
        .where(rules)
        .order_by(AIModelConfig.display_name, AIModelConfig.model_name)
    )
    models = db.session.scalars(query).all()
    return {name: [m for m in models if slot.accepts(m)] for name, slot in SLOTS.items()}


def slot_problem(name: str, model: AIModelConfig | None) -> str | None:
    """Why a stored model no longer fits its slot (inactive, wrong kind), or None."""
    return None if model is None else get_slot(name).why_not(model)


@cache
def _global_settings_query() -> Select:
    """Built once: row 1 joined to the model of every slot."""
    eager = [joinedload(getattr(GlobalIntegrationSettings, name)) for name in SLOTS]
    return (
        select(GlobalIntegrationSettings)
        .where(GlobalIntegrationSettings.id == GLOBAL_SETTINGS_ID)
        .options(*eager)
    )


def load_global_settings() -> GlobalIntegrationSettings | None:
    """The global settings row (id 1) with every slot's model, in one query; None when never
    saved."""
    return db.session.scalars(_global_settings_query()).unique().first()


def global_models(row: GlobalIntegrationSettings | None) -> dict[str, AIModelConfig | None]:
    """The model each global slot points at (loaded with the row by load_global_settings)."""
    return {name: getattr(row, name) if row is not None else None for name in SLOTS}


@cache
def _slot_usage_query() -> Select:
    """Built once: the account total and each override key's count."""
    accounts = select(func.count()).select_from(Account).scalar_subquery()
    columns = [
        func.count(IntegrationSettings.config[slot.config_key].as_string())
        for slot in SLOTS.values()
    ]
    return select(accounts, *columns).select_from(IntegrationSettings)


def slot_usage() -> dict[str, SlotUsage]:
    """Per slot, how many accounts override it and how many follow the global value (one query)."""
    total, *counts = db.session.execute(_slot_usage_query()).one()
    return {
        name: SlotUsage(followers=total - overrides, overrides=overrides)
        for name, overrides in zip(SLOTS, counts)
    }


def update_global_settings(
    model_ids: Mapping[str, Any], expected_version: int | None, actor: Actor = audit.SYSTEM
) -> dict[str, list[str | None]]:
    """Point each slot named at the model id (None clears), creating row 1 if missing; return
    the audited changes. An unknown or unfit id, or a stale version, writes nothing."""
    selections = locking.lock_chosen_models(model_ids, GLOBAL_REPR)
    row = load_global_settings()
    check_version(row, expected_version, GLOBAL_REPR)
    stored = {name: getattr(row, get_slot(name).column) if row else None for name in selections}
    raise_if_invalid(GLOBAL_REPR, selections, stored)
    before = models_by_id(stored.values())
    changes = {
        name: [model_ref(before.get(stored[name])), model_ref(model)]
        for name, model in selections.items()
        if (model.id if model else None) != stored[name]
    }
    if not changes:
        return {}
    action = "update" if row is not None else "create"
    if row is None:
        row = GlobalIntegrationSettings(id=GLOBAL_SETTINGS_ID)
        db.session.add(row)
    for name, model in selections.items():
        setattr(row, get_slot(name).column, model.id if model else None)
    commit(actor, GLOBAL_REPR,
           [Entry(action, "global_settings", GLOBAL_SETTINGS_ID, GLOBAL_REPR, changes)])
    return changes
