"""The catalogue's rules for one model row: choices, names, prices, limits, aliases, and names
unique per provider. Every check exists here once; services/catalogue_guards.py holds the rules
that involve the slots using a model."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from igny8.extensions import db
from igny8.models.catalogue import MODEL_TYPES, ORIGINS, PROVIDERS, AIModelConfig
from igny8.pricing import PRICE_FIELDS, missing_prices

TEXT_LIMITS = {"provider": 32, "model_type": 16, "model_name": 100, "display_name": 150,
               "price_source": 200}
TOKEN_FIELDS = ("context_window", "max_output_tokens")
MAX_PRICE = Decimal("100000000")  # Numeric(14, 6) holds 8 integer digits
MAX_TOKENS = 2**31 - 1  # INTEGER on PostgreSQL

# (model_name, aliases) of another row of the same provider.
NamePair = tuple[str, Sequence[str]]


def first_wins(errors: dict[str, str], more: dict[str, str]) -> None:
    """Add `more` to `errors`, keeping the first message found for a field."""
    for field, message in more.items():
        errors.setdefault(field, message)


def model_errors(model: AIModelConfig, others: Iterable[NamePair] | None = None) -> dict[str, str]:
    """Every broken rule of `model` as field -> message; `others` skips the name query."""
    errors: dict[str, str] = {}
    for check in (_choice_errors, _name_errors, _price_errors, _pricing_errors, _limit_errors,
                  _alias_errors, successor_errors):
        first_wins(errors, check(model))
    if model.provider in PROVIDERS and model.model_name:
        if others is None:
            others = same_provider_names(model)
        first_wins(errors, _conflict_errors(model, others))
    return errors


def _choice_errors(model: AIModelConfig) -> dict[str, str]:
    """provider, model_type and origin must be known values."""
    errors = {}
    for field, known in (("provider", PROVIDERS), ("model_type", MODEL_TYPES)):
        value = getattr(model, field)
        if not value:
            errors[field] = f"{field} is required; choose one of: {', '.join(known)}"
        elif value not in known:
            errors[field] = f"Unknown {field} {value!r}; choose one of: {', '.join(known)}"
    if model.origin is not None and model.origin not in ORIGINS:
        errors["origin"] = f"Unknown origin {model.origin!r}; choose one of: {', '.join(ORIGINS)}"
    return errors


def _name_errors(model: AIModelConfig) -> dict[str, str]:
    """Names are required, and no text may exceed its column."""
    errors = {}
    for field in ("model_name", "display_name"):
        value = getattr(model, field)
        if not isinstance(value, str) or not value.strip():
            errors[field] = f"{field} is required"
    for field, limit in TEXT_LIMITS.items():
        value = getattr(model, field)
        if isinstance(value, str) and len(value) > limit:
            errors.setdefault(field, f"{field} is {len(value)} characters long; at most {limit}")
    return errors


def _price_problem(value: Any) -> str | None:
    """Why `value` is not a storable price, or None."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return "must be a decimal amount in USD"
    if value < 0:
        return "must be 0 or more"
    if value.as_tuple().exponent < -6:
        return "must have at most 6 decimal places"
    if value >= MAX_PRICE:
        return f"must be below {MAX_PRICE:,}"
    return None


def _price_errors(model: AIModelConfig) -> dict[str, str]:
    """Each price that is set must be a non-negative Decimal the column can hold."""
    errors = {}
    for field in PRICE_FIELDS:
        value = getattr(model, field)
        problem = None if value is None else _price_problem(value)
        if problem:
            errors[field] = f"{field} {problem}"
    return errors


def _pricing_errors(model: AIModelConfig) -> dict[str, str]:
    """An active model needs every price its type requires (igny8.pricing.missing_prices)."""
    missing = missing_prices(model)
    if not model.is_active or not missing:
        return {}
    errors = {field: f"{field} is required for an active {model.model_type} model"
              for field in missing}
    errors["is_active"] = (
        f"An active {model.model_type} model needs complete pricing; missing: "
        f"{', '.join(missing)}. Set the price or leave the model inactive."
    )
    return errors


def _limit_errors(model: AIModelConfig) -> dict[str, str]:
    """Token limits, when set, are positive whole numbers."""
    errors = {}
    for field in TOKEN_FIELDS:
        value = getattr(model, field)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[field] = f"{field} must be a whole number of tokens"
        elif not 0 < value <= MAX_TOKENS:
            errors[field] = f"{field} must be between 1 and {MAX_TOKENS:,} tokens"
    return errors


def _alias_errors(model: AIModelConfig) -> dict[str, str]:
    """Aliases: a list of distinct, non-empty names other than the model's own."""
    aliases = model.aliases if model.aliases is not None else []
    if not isinstance(aliases, list):
        return {"aliases": "aliases must be a list of names"}
    seen: set[str] = set()
    for alias in aliases:
        if not isinstance(alias, str) or not alias.strip():
            return {"aliases": "Every alias must be a non-empty name"}
        if alias in seen:
            return {"aliases": f"Alias {alias!r} is listed twice"}
        if alias == model.model_name:
            return {"aliases": f"Alias {alias!r} is the model's own name"}
        seen.add(alias)
    return {}


def _successor_problem(model: AIModelConfig) -> str | None:
    """Why `model.successor_id` cannot be its successor, or None."""
    successor_id = model.successor_id
    if isinstance(successor_id, bool) or not isinstance(successor_id, int):
        return "successor_id must be the id of another model"
    if model.id is not None and successor_id == model.id:
        return "A model cannot be its own successor"
    with db.session.no_autoflush:
        successor = db.session.get(AIModelConfig, successor_id)
    if successor is None:
        return f"There is no model with id {successor_id} to be the successor"
    if successor.model_type != model.model_type:
        return (f"The successor must be {_a(model.model_type)} model like this one;"
                f" {successor.display_name} is {_a(successor.model_type)} model")
    return _cycle_problem(model, successor)


def _a(word: str) -> str:
    """`a text` / `an image`."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _cycle_problem(model: AIModelConfig, successor: AIModelConfig) -> str | None:
    """A successor chain must not lead back to the model (any length, bounded walk)."""
    seen = {successor.id}
    step = successor
    with db.session.no_autoflush:
        while step.successor_id is not None and step.successor_id not in seen:
            if model.id is not None and step.successor_id == model.id:
                return (f"{successor.display_name} already leads back to this model;"
                        " a successor chain may not loop")
            seen.add(step.successor_id)
            step = db.session.get(AIModelConfig, step.successor_id)
            if step is None:
                return None
    return None


def successor_errors(model: AIModelConfig) -> dict[str, str]:
    """The successor, when set, is another existing model of the same type, without a loop."""
    if model.successor_id is None:
        return {}
    problem = _successor_problem(model)
    return {"successor_id": problem} if problem else {}


def same_provider_names(model: AIModelConfig) -> list[NamePair]:
    """(model_name, aliases) of the provider's other rows, in one query."""
    query = select(AIModelConfig.model_name, AIModelConfig.aliases).where(
        AIModelConfig.provider == model.provider
    )
    if model.id is not None:
        query = query.where(AIModelConfig.id != model.id)
    with db.session.no_autoflush:
        return [(name, aliases or []) for name, aliases in db.session.execute(query)]


def _conflict_errors(model: AIModelConfig, others: Iterable[NamePair]) -> dict[str, str]:
    """A name or alias may identify only one model of a provider."""
    owners: dict[str, str] = {}
    names: set[str] = set()
    for name, aliases in others:
        names.add(name)
        owners.setdefault(name, name)
        for alias in aliases or []:
            owners.setdefault(alias, name)
    errors = {}
    if model.model_name in names:
        errors["model_name"] = f"{model.provider} already has a model named {model.model_name!r}"
    elif model.model_name in owners:
        errors["model_name"] = (
            f"{model.model_name!r} is already an alias of {owners[model.model_name]!r}"
        )
    taken = [alias for alias in (model.aliases or []) if alias in owners]
    if taken and isinstance(model.aliases, list):
        errors["aliases"] = (
            f"Alias {taken[0]!r} already names {owners[taken[0]]!r} of {model.provider}"
        )
    return errors
