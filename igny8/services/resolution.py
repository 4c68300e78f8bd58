"""Model resolution: an account's override, else the global setting, else the configured default."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app

from igny8.errors import ResolutionError
from igny8.extensions import db
from igny8.models import GLOBAL_SETTINGS_ID, Account, AIModelConfig, GlobalIntegrationSettings
from igny8.models import Slot, get_slot
from igny8.services.resolution_reads import account_id_of, load_models, settings_by_account

log = logging.getLogger(__name__)
IMAGE_SLOTS = {"openai": "dalle_model", "runware": "runware_model"}
MAX_MODEL_ID = 2**63 - 1  # BIGINT: larger numbers cannot be ids


@dataclass(frozen=True)
class Resolution:
    """The model a slot resolved to for one account, where it came from and what was skipped."""

    slot: str
    model: AIModelConfig
    source: str  # "account", "global" or "default"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Attempt:
    """One level's outcome: a usable model, a skipped candidate, or no candidate at all."""

    model: AIModelConfig | None = None
    warning: str | None = None
    absent: str | None = None


@dataclass(frozen=True)
class _SlotFacts:
    """What every account of one resolution shares: the slot, the loaded models, the fallbacks."""

    slot: Slot
    models: dict[int, AIModelConfig]
    fallbacks: tuple[tuple[str, _Attempt], ...]


def is_model_id(value: Any) -> bool:
    """Whether a stored override value can be a model id (a positive integer, not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_MODEL_ID


def _candidate(slot: Slot, label: str, model: AIModelConfig | None) -> _Attempt:
    """Accept `model` for the slot, or skip it with a warning that says why."""
    reason = slot.why_not(model)
    if reason:
        return _Attempt(warning=f"{label} skipped: {reason}")
    return _Attempt(model=model)


def _account_attempt(facts: _SlotFacts, account_id: int, raw: Any) -> _Attempt:
    """The account level: the id stored under the slot's key in IntegrationSettings.config."""
    key = facts.slot.config_key
    if raw is None:
        return _Attempt(absent=f"account {account_id} has no {key} override")
    label = f"account {account_id} override {key}={raw!r}"
    if not is_model_id(raw):
        return _Attempt(warning=f"{label} skipped: not a model id (a positive integer)")
    return _candidate(facts.slot, label, facts.models.get(raw))


def _global_attempt(slot: Slot, row: GlobalIntegrationSettings | None, models) -> _Attempt:
    """The global level: the slot's foreign key on the settings row id 1."""
    if row is None:
        return _Attempt(absent=f"global settings row {GLOBAL_SETTINGS_ID} does not exist")
    model_id = getattr(row, slot.column)
    if model_id is None:
        return _Attempt(absent=f"global setting {slot.column} is not set")
    return _candidate(slot, f"global setting {slot.column}={model_id}", models.get(model_id))


def _named(slot: Slot, name: str, models: dict[int, AIModelConfig]) -> list[AIModelConfig]:
    """Models of the slot's provider and type called `name`: by model name first, then alias."""
    accepted = sorted((m for m in models.values() if slot.accepts(m)), key=lambda m: m.id)
    by_name = [m for m in accepted if m.model_name == name]
    by_alias = [m for m in accepted if m not in by_name and name in (m.aliases or [])]
    return by_name + by_alias


def _default_attempt(slot: Slot, name: str | None, models) -> _Attempt:
    """The default level: IGNY8_DEFAULT_MODELS names a model, matched by name then alias."""
    if not name:
        return _Attempt(absent=f"no default model is configured for {slot.name}")
    label = f"default model {name!r}"
    matches = _named(slot, name, models)
    if not matches:
        kind = f"{slot.provider} {slot.model_type}" if slot.provider else slot.model_type
        return _Attempt(warning=f"{label} skipped: no {kind} model has that name or alias")
    usable = next((m for m in matches if slot.why_not(m) is None), matches[0])
    return _candidate(slot, label, usable)


def _load_facts(slots: list[Slot], overrides: Iterable[Any]) -> dict[str, _SlotFacts]:
    """Read the global row once and, in one query, every model any level of any slot may name."""
    row = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    wanted = {value for value in overrides if is_model_id(value)}
    if row is not None:
        wanted |= {getattr(row, slot.column) for slot in slots} - {None}
    configured = current_app.config.get("IGNY8_DEFAULT_MODELS", {})
    defaults = {slot: configured[slot.name] for slot in slots if configured.get(slot.name)}
    models = load_models(wanted, defaults)
    return {
        slot.name: _SlotFacts(slot, models, (
            ("global", _global_attempt(slot, row, models)),
            ("default", _default_attempt(slot, defaults.get(slot), models)),
        ))
        for slot in slots
    }


def _resolve_one(facts: _SlotFacts, account_id: int, raw: Any) -> Resolution:
    """Walk the levels in order for one account; collect a warning for each skipped candidate."""
    warnings: list[str] = []
    summaries: list[str] = []
    levels = (("account", _account_attempt(facts, account_id, raw)), *facts.fallbacks)
    for source, attempt in levels:
        if attempt.model is not None:
            return Resolution(facts.slot.name, attempt.model, source, tuple(warnings))
        if attempt.warning:
            warnings.append(attempt.warning)
        summaries.append(attempt.warning or attempt.absent or source)
    raise ResolutionError(facts.slot.name, "; ".join(summaries))


def _attempt_one(facts: _SlotFacts, account_id: int, raw: Any) -> Resolution | ResolutionError:
    """The account's resolution of the slot, or the error saying why nothing resolves."""
    try:
        return _resolve_one(facts, account_id, raw)
    except ResolutionError as error:
        return error


def resolve_slots(
    accounts: Iterable[Account], slot_names: Iterable[str]
) -> dict[str, dict[int, Resolution | ResolutionError]]:
    """Resolve several slots for many accounts in at most three queries (settings, global
    row, models): per slot, account id → its Resolution, or the ResolutionError for it."""
    slots = [get_slot(name) for name in slot_names]
    settings = settings_by_account(accounts)
    if not settings or not slots:
        return {slot.name: {} for slot in slots}
    configs = {account_id: (row.config or {}) if row else {}
               for account_id, row in settings.items()}
    raw = {slot.name: {account_id: config.get(slot.config_key)
                       for account_id, config in configs.items()} for slot in slots}
    facts = _load_facts(slots, (v for values in raw.values() for v in values.values()))
    return {
        name: {account_id: _attempt_one(facts[name], account_id, value)
               for account_id, value in values.items()}
        for name, values in raw.items()
    }


def resolve_many(accounts: Iterable[Account], slot_name: str) -> dict[int, Resolution]:
    """Resolve one slot for many accounts in at most three queries, keyed by account id;
    ResolutionError when any account resolves to nothing."""
    results = resolve_slots(accounts, [slot_name])[slot_name]
    for result in results.values():
        if isinstance(result, ResolutionError):
            raise result
    return results  # type: ignore[return-value]


def resolve(account: Account, slot_name: str) -> Resolution:
    """Resolve one slot for one account: override, else global, else default."""
    return resolve_many([account], slot_name)[account_id_of(account)]


def _resolved_model(account: Account, slot_name: str) -> AIModelConfig:
    """The resolved model; skipped candidates go to the log since the caller sees no warnings."""
    resolution = resolve(account, slot_name)
    for warning in resolution.warnings:
        log.warning("%s", warning)
    return resolution.model


def get_openai_model(account: Account) -> AIModelConfig:
    """The OpenAI text model the account uses."""
    return _resolved_model(account, "openai_model")


def get_text_model(account: Account) -> AIModelConfig:
    """The text model of any provider the account uses."""
    return _resolved_model(account, "text_model")


def get_image_model(account: Account, provider: str) -> AIModelConfig:
    """The image model the account uses with `provider` (openai or runware)."""
    if provider not in IMAGE_SLOTS:
        raise ValueError(f"unknown image provider {provider!r}; known: {', '.join(IMAGE_SLOTS)}")
    return _resolved_model(account, IMAGE_SLOTS[provider])
