"""Account integration settings: overrides per slot, their effect, and the single updates both
the screens and the API call with account and model ids (many accounts: `account_bulk`)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from igny8.errors import ResolutionError, ValidationFailed
from igny8.extensions import db
from igny8.models import SLOTS, Account, AIModelConfig, IntegrationSettings, get_slot
from igny8.services import audit, locking
from igny8.services.audit import Actor
from igny8.services.locking import check_version
from igny8.services.unit_of_work import Entry, commit
from igny8.services.resolution import Resolution, is_model_id, resolve_slots
from igny8.services.slot_choices import (
    Selections,
    chosen_models,
    model_ref,
    models_by_id,
    raise_if_invalid,
)


@dataclass(frozen=True)
class AccountSlot:
    """One slot of one account as the settings page shows it."""

    name: str
    label: str
    override: Any  # the raw value stored under the slot's config key, None when absent
    override_model: AIModelConfig | None
    resolution: Resolution | None
    error: str | None  # why nothing resolves, when nothing does

    @property
    def warnings(self) -> list[str]:
        """What the admin should fix: a dangling or unusable override, skipped candidates."""
        found = list(self.resolution.warnings) if self.resolution else []
        if self.override is not None and self.override_model is None:
            problem = "points at no existing model" if is_model_id(self.override) else (
                "is not a model id")
            found.insert(0, f"The override {self.override!r} {problem}; it is ignored,"
                            " and saving this page replaces it with the choice below.")
        return found


def account_overrides(settings: IntegrationSettings | None) -> dict[str, Any]:
    """The slots an account overrides, with the raw value stored for each."""
    config = (settings.config or {}) if settings is not None else {}
    return {
        name: config[slot.config_key]
        for name, slot in SLOTS.items()
        if config.get(slot.config_key) is not None
    }


def load_account(account_id: int) -> Account | None:
    """The account with its integration settings, in one query."""
    query = (
        select(Account)
        .options(selectinload(Account.integration_settings))
        .where(Account.id == account_id)
    )
    return db.session.scalars(query).first()


def account_slots(account: Account) -> list[AccountSlot]:
    """Every slot of the account: override, effective model, its source and warnings."""
    overrides = account_overrides(account.integration_settings)
    models = models_by_id(overrides.values())
    resolved = resolve_slots([account], SLOTS)
    rows = []
    for name, slot in SLOTS.items():
        result = resolved[name][account.id]
        resolution, error = (None, result.message) if isinstance(result, ResolutionError) else (
            result, None)
        raw = overrides.get(name)
        model = models.get(raw) if is_model_id(raw) else None
        rows.append(AccountSlot(name, slot.label, raw, model, resolution, error))
    return rows


def override_ref(raw: Any, models: Mapping[int, AIModelConfig]) -> str:
    """An override as the history names it."""
    if raw is None:
        return "global default"
    model = models.get(raw) if is_model_id(raw) else None
    return model_ref(model) if model else f"{raw!r} (no such model)"


def store_overrides(account: Account, values: Mapping[str, int | None]) -> None:
    """Set or remove override keys, keeping every other key of the account's config."""
    settings = account.integration_settings
    if settings is None:
        settings = IntegrationSettings(account=account, config={})
        db.session.add(settings)
    config = dict(settings.config or {})
    for name, model_id in values.items():
        key = get_slot(name).config_key
        if model_id is None:
            config.pop(key, None)
        else:
            config[key] = model_id
    settings.config = config


def _override_changes(selections: Selections, stored: Mapping[str, Any]) -> dict[str, list]:
    """Field-level before → after of the overrides that change."""
    models = models_by_id(stored.values())
    return {
        name: [override_ref(stored.get(name), models), model_ref(model) or "global default"]
        for name, model in selections.items()
        if (model.id if model else None) != stored.get(name)
    }


def _account(account_id: int) -> Account:
    """The account with its settings; an unknown id is refused."""
    account = load_account(account_id)
    if account is None:
        raise ValidationFailed(f"There is no account with id {account_id}.",
                               {"account_id": f"unknown: {account_id}"})
    return account


def update_account_settings(
    account_id: int, model_ids: Mapping[str, Any], expected_version: int | None,
    actor: Actor = audit.SYSTEM,
) -> dict[str, list]:
    """Set (a model id) or clear (None) the account's override per slot; one audited commit."""
    locking.lock_for_account_write([account_id], model_ids.values())
    account = _account(account_id)
    what = f"Settings of {account.name}"
    selections = chosen_models(model_ids, what)
    settings = account.integration_settings
    check_version(settings, expected_version, what)
    stored = account_overrides(settings)
    raise_if_invalid(what, selections, stored)
    changes = _override_changes(selections, stored)
    if changes:
        model_ids = {name: getattr(selections[name], "id", None) for name in changes}
        store_overrides(account, model_ids)
        commit(actor, what,
               [Entry("update", "account_settings", account.id, account.name, changes)])
    return changes


def _override_problem(slot_name: str, model_id: Any) -> str | None:
    """Why `model_id` cannot be stored as the slot's override, or None when it can."""
    if not is_model_id(model_id):
        return f"{model_id!r} is not a model id"
    model = db.session.get(AIModelConfig, model_id)
    if model is None:
        return f"model {model_id} does not exist"
    return get_slot(slot_name).why_not(model)


def set_account_override(
    account_id: int, slot_name: str, model_id: Any, expected_version: int | None = None,
    actor: Actor = audit.SYSTEM,
) -> dict[str, list]:
    """Store `model_id` as the account's override for one slot: validated, audited, one commit."""
    slot = get_slot(slot_name)
    problem = _override_problem(slot_name, model_id)
    if problem:
        raise ValidationFailed(f"Cannot set {slot.label}: {problem}", {slot.config_key: problem})
    return update_account_settings(account_id, {slot_name: model_id}, expected_version, actor)


def clear_account_override(
    account_id: int, slot_name: str, expected_version: int | None = None,
    actor: Actor = audit.SYSTEM,
) -> bool:
    """Remove the account's override for one slot (audited); False when there was none."""
    get_slot(slot_name)
    if slot_name not in account_overrides(_account(account_id).integration_settings):
        return False
    return bool(update_account_settings(account_id, {slot_name: None}, expected_version, actor))
