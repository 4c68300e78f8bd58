"""Global integration settings: slot choices, usage counts, audited and locked updates."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from igny8.errors import ValidationFailed
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
from igny8.services import audit
from igny8.services.locking import check_version, commit_or_conflict
from igny8.services.resolution import is_model_id

GLOBAL_REPR = "Global integration settings"
Selections = Mapping[str, AIModelConfig | None]


@dataclass(frozen=True)
class SlotUsage:
    """How many accounts follow the global value of a slot and how many override it."""

    followers: int
    overrides: int


def model_ref(model: AIModelConfig | None) -> str | None:
    """How a model is named in the history: `GPT-4o Mini (gpt-4o-mini)`."""
    return None if model is None else f"{model.display_name} ({model.model_name})"


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


def models_by_id(ids: Iterable[Any]) -> dict[int, AIModelConfig]:
    """The models with these ids in one query (none when no id is a model id)."""
    wanted = sorted({value for value in ids if is_model_id(value)})
    if not wanted:
        return {}
    query = select(AIModelConfig).where(AIModelConfig.id.in_(wanted))
    return {model.id: model for model in db.session.scalars(query)}


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


def _invalid_choices(selections: Selections, stored_ids: Mapping[str, Any]) -> dict[str, str]:
    """Field errors for selections that may not be stored; an unchanged stored value may stay."""
    errors = {}
    for name, model in selections.items():
        slot = get_slot(name)
        if model is None or model.id == stored_ids.get(name):
            continue
        reason = slot.why_not(model)
        if reason:
            errors[name] = f"{slot.label}: not a valid choice ({reason})"
    return errors


def raise_if_invalid(what: str, selections: Selections, stored_ids: Mapping[str, Any]) -> None:
    """Refuse the whole update, before any write, when one selection is invalid."""
    errors = _invalid_choices(selections, stored_ids)
    if errors:
        raise ValidationFailed(f"{what} not saved: " + "; ".join(errors.values()), errors)


def update_global_settings(
    selections: Selections, expected_version: int | None
) -> dict[str, list[str | None]]:
    """Store the chosen model per slot (creating row 1 if missing); return the audited changes."""
    row = load_global_settings()
    if row is not None:
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
    audit.record(action, "global_settings", str(GLOBAL_SETTINGS_ID), GLOBAL_REPR, changes)
    commit_or_conflict(GLOBAL_REPR)
    return changes
