"""The catalogue's rules that involve the settings using a model, each written once: a model a
global slot uses stays active and of the slot's provider and type, an activated model has the
prices its type needs, a used model is not deleted. Rules of one row: catalogue_rules.py."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from igny8.errors import ModelInUse, ValidationFailed
from igny8.models import SLOTS, AIModelConfig
from igny8.pricing import missing_prices
from igny8.services import usage
from igny8.services.catalogue_rules import first_wins

NAMED_ACCOUNTS = 10  # accounts a refusal message names; the rest are counted
GLOBAL = "of the Global Integration Settings; choose another model there before"
PRICES_STEP = "Add the missing prices first."  # the screens reword both steps for support


def model_name(model: AIModelConfig) -> str:
    """`GPT-4o Mini (gpt-4o-mini)`: how refusals name a model."""
    return f"{model.display_name} ({model.model_name})"


def names(models: Sequence[AIModelConfig]) -> str:
    """`a, b and c` from the models' names."""
    found = [model_name(model) for model in models]
    return found[0] if len(found) == 1 else ", ".join(found[:-1]) + " and " + found[-1]


def deactivation_blockers(models: Sequence[AIModelConfig]) -> dict[int, list[str]]:
    """Model id → labels of the global slots that forbid deactivating it (one query)."""
    used = usage.global_slots_of(model.id for model in models)
    return {model_id: [SLOTS[name].label for name in slots]
            for model_id, slots in used.items() if slots}


def _deactivation_reason(model: AIModelConfig, labels: list[str]) -> str:
    """The one sentence saying why `model` may not be deactivated."""
    return f"{model.display_name} is the {' and '.join(labels)} {GLOBAL} deactivating it."


def deactivation_errors(model: AIModelConfig) -> dict[str, str]:
    """{"is_active": reason} when a global slot uses `model`."""
    labels = deactivation_blockers([model]).get(model.id)
    return {"is_active": _deactivation_reason(model, labels)} if labels else {}


def refuse_deactivation(models: Sequence[AIModelConfig]) -> None:
    """Raise ModelInUse naming each active model a global slot uses."""
    blockers = deactivation_blockers([model for model in models if model.is_active])
    blocked = [model for model in models if model.id in blockers]
    if blocked:
        reasons = " ".join(_deactivation_reason(model, blockers[model.id]) for model in blocked)
        raise ModelInUse(f"Cannot deactivate {names(blocked)}: {reasons}",
                         {str(model.id): ", ".join(blockers[model.id]) for model in blocked})


def slot_fit_errors(model: AIModelConfig) -> dict[str, str]:
    """Field errors when an edit moves a model out of a global slot that uses it."""
    used = usage.global_slots_of([model.id])[model.id]
    misfits = [SLOTS[name] for name in used if not SLOTS[name].accepts(model)]
    if not misfits:
        return {}
    field = "model_type" if any(s.model_type != model.model_type for s in misfits) else "provider"
    labels = " and ".join(slot.label for slot in misfits)
    return {field: f"{model.display_name} is the {labels} {GLOBAL} changing its provider or type."}


def edit_errors(model: AIModelConfig, was_active: bool, changed: Iterable[str]) -> dict[str, str]:
    """The slot rules an edit (an admin's or the seed's) must pass: no deactivating a global
    default, no moving it out of its slot's provider or type."""
    errors = deactivation_errors(model) if was_active and model.is_active is False else {}
    if {"provider", "model_type"} & set(changed):
        first_wins(errors, slot_fit_errors(model))
    return errors


def activation_blockers(models: Sequence[AIModelConfig]) -> dict[int, list[str]]:
    """Model id → the prices it lacks to be activated."""
    missing = {model.id: missing_prices(model) for model in models}
    return {model_id: prices for model_id, prices in missing.items() if prices}


def refuse_activation(models: Sequence[AIModelConfig]) -> None:
    """Raise ValidationFailed naming each inactive model that lacks pricing."""
    blockers = activation_blockers([model for model in models if not model.is_active])
    if blockers:
        blocked = [model for model in models if model.id in blockers]
        raise ValidationFailed(
            f"Cannot activate {names(blocked)}: an active model needs complete pricing"
            f" for its type. {PRICES_STEP}",
            {str(mid): "missing " + ", ".join(missing) for mid, missing in blockers.items()},
        )


def used_by(found: usage.Usage) -> str:
    """`global setting Text default, account Acme, 3 more accounts`: where a model is used."""
    places = [f"global setting {label}" for label in found.global_labels]
    places += [f"account {account.name}" for account in found.accounts[:NAMED_ACCOUNTS]]
    more = found.account_total - min(len(found.accounts), NAMED_ACCOUNTS)
    if more > 0:
        places.append(f"{more} more accounts")
    return ", ".join(places)


def refuse_delete(model: AIModelConfig) -> None:
    """Raise ModelInUse listing what uses `model` (global slots, accounts)."""
    found = usage.usage_for([model.id], account_limit=NAMED_ACCOUNTS)[model.id]
    if found.in_use:
        raise ModelInUse(f"Cannot delete {model_name(model)}: used by {used_by(found)}.")


def refuse_used(models: Sequence[AIModelConfig], verb: str = "deactivate") -> None:
    """Raise ModelInUse naming each model a global slot or an account override uses (two
    queries whatever their number): the rule of a change allowed only for unused models."""
    found = usage.usage_for(model.id for model in models)
    used = [model for model in models if found[model.id].in_use]
    if used:
        reasons = "; ".join(f"{model_name(model)} is used by {used_by(found[model.id])}"
                            for model in used)
        raise ModelInUse(f"Cannot {verb} {names(used)}: {reasons}. Point them at another model"
                         " first.", {str(model.id): used_by(found[model.id]) for model in used})
