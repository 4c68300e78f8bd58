"""Every problem of a submitted model form at once: the form's own checks and the
catalogue's rules, under one banner."""
from __future__ import annotations

from flask import request

from igny8.catalogue.forms import ModelForm
from igny8.models import AIModelConfig
from igny8.pricing import PRICE_FIELDS
from igny8.services import catalogue as catalogue_service
from igny8.services import usage as usage_service
from igny8.services.usage import Usage

BANNER = "Correct the fields marked below."  # one banner, whichever check refused


def add_rule_errors(form: ModelForm, model: AIModelConfig | None) -> dict[str, str]:
    """Run the catalogue's rules on the fields the form could read and put their messages
    next to fields that have none yet; returns the messages that match no field."""
    refused = {name for name, errors in form.errors.items() if errors}
    problems = catalogue_service.model_problems(form.values(skip=refused), model)
    if refused & set(PRICE_FIELDS):
        problems.pop("is_active", None)  # "missing prices" would blame an unreadable price
    return form.add_errors({name: message for name, message in problems.items()
                            if name not in refused})


def problem_banner(unplaced: dict[str, str]) -> str:
    """The one banner above the form, with the messages no field shows."""
    return " ".join([BANNER, *unplaced.values()]) if unplaced else BANNER


def fallback_usage(form: ModelForm, model: AIModelConfig, shown: int) -> Usage | None:
    """The accounts overriding to `model` that an unconfirmed change of its provider or type
    would send back to the global default (their override no longer fits), else None."""
    moved = (form.provider.data, form.model_type.data) != (model.provider, model.model_type)
    if not moved or request.form.get("confirm_fallback") == "yes":
        return None
    usage = usage_service.usage_for([model.id], shown)[model.id]
    return usage if usage.accounts else None
