"""What a slot may hold, shared by the global and the account settings: the models behind the
ids a form or client sent, the check that each may fill its slot, how the history names them."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models import SLOTS, AIModelConfig, get_slot
from igny8.services.resolution import is_model_id

Selections = Mapping[str, AIModelConfig | None]


def model_ref(model: AIModelConfig | None) -> str | None:
    """How a model is named in the history: `GPT-4o Mini (gpt-4o-mini)`."""
    return None if model is None else f"{model.display_name} ({model.model_name})"


def models_by_id(ids: Iterable[Any]) -> dict[int, AIModelConfig]:
    """The models with these ids in one query (none when no id is a model id)."""
    wanted = sorted({value for value in ids if is_model_id(value)})
    if not wanted:
        return {}
    query = select(AIModelConfig).where(AIModelConfig.id.in_(wanted))
    return {model.id: model for model in db.session.scalars(query)}


def chosen_models(model_ids: Mapping[str, Any], what: str) -> dict[str, AIModelConfig | None]:
    """Slot → model for the ids sent (None clears); an unknown id is refused naming its slot."""
    models = models_by_id(model_ids.values())
    missing = {name: f"{SLOTS[name].label}: model {model_id} does not exist"
               for name, model_id in model_ids.items()
               if model_id is not None and models.get(model_id) is None}
    if missing:
        raise ValidationFailed(f"{what} not saved: " + "; ".join(missing.values()), missing)
    return {name: models.get(model_id) for name, model_id in model_ids.items()}


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
