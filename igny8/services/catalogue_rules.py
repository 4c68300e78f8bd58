"""The catalogue's rules for one model row: choices, names, prices, limits, aliases, and names
unique per provider. Every check exists here once; services/successor_rules.py holds the
successor's, services/catalogue_guards.py the rules that involve the slots using a model."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from igny8.errors import PricingMessage, TakenMessage
from igny8.extensions import db
from igny8.models.catalogue import MODEL_TYPES, ORIGINS, PROVIDERS, AIModelConfig
from igny8.models.catalogue import model_name_key as name_key  # one key, stored and checked
from igny8.pricing import PRICE_BY_NAME, PRICE_FIELDS, missing_prices
from igny8.services.successor_rules import successor_errors

TEXT_LIMITS = {"provider": 32, "model_type": 16, "model_name": 100, "display_name": 150,
               "price_source": 200}
TOKEN_FIELDS = ("context_window", "max_output_tokens")
MAX_PRICE = Decimal("100000000")  # Numeric(14, 6) holds 8 integer digits
MAX_TOKENS = 2**31 - 1  # INTEGER on PostgreSQL

# Prices that make sense per type: a text model is priced per token, an image model per image.
TYPE_PRICES = {"text": ("input_price_per_1m", "cached_input_price_per_1m", "output_price_per_1m"),
               "image": ("price_per_image",)}

# (model_name, aliases, display_name) of another row of the same provider.
NamePair = tuple[str, Sequence[str], str]


def first_wins(errors: dict[str, str], more: dict[str, str]) -> None:
    """Add `more` to `errors`, keeping the first message found for a field."""
    for field, message in more.items():
        errors.setdefault(field, message)


def model_errors(model: AIModelConfig, others: Iterable[NamePair] | None = None) -> dict[str, str]:
    """Every broken rule of `model` as field -> message; `others` skips the name query."""
    errors: dict[str, str] = {}
    for check in (_choice_errors, _name_errors, _price_errors, _type_price_errors,
                  _pricing_errors, _limit_errors, _window_errors, _date_errors, _alias_errors,
                  successor_errors):
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
    errors["is_active"] = PricingMessage(
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


def _type_price_errors(model: AIModelConfig) -> dict[str, str]:
    """A price the model's type is not charged by is refused: no token prices on an image."""
    allowed = TYPE_PRICES.get(model.model_type)
    if allowed is None:
        return {}
    kind = f"{'an' if model.model_type[0] in 'aeiou' else 'a'} {model.model_type} model"
    priced_by = " and ".join(PRICE_BY_NAME[name].form_label.lower() for name in allowed)
    return {field: f"{PRICE_BY_NAME[field].form_label} does not apply to {kind};"
                   f" leave it empty ({kind} is priced by {priced_by})"
            for field in PRICE_FIELDS if field not in allowed and getattr(model, field) is not None}


def _window_errors(model: AIModelConfig) -> dict[str, str]:
    """A model cannot write more tokens than its context window holds."""
    window, output = model.context_window, model.max_output_tokens
    counts = (window, output)
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in counts):
        return {}
    if output > window:
        return {"max_output_tokens": f"max_output_tokens ({output:,}) is above the context window"
                                     f" ({window:,}); at most {window:,}"}
    return {}


def _date_errors(model: AIModelConfig) -> dict[str, str]:
    """Prices cannot have been checked on a day still to come (UTC)."""
    checked = model.price_checked_on
    today = datetime.now(timezone.utc).date()
    if isinstance(checked, date) and checked > today:
        return {"price_checked_on": f"price_checked_on {checked.isoformat()} is in the future;"
                                    f" at most today ({today.isoformat()})"}
    return {}


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


def same_provider_names(model: AIModelConfig) -> list[NamePair]:
    """(model_name, aliases) of the provider's other rows, in one query."""
    query = select(AIModelConfig.model_name, AIModelConfig.aliases,
                   AIModelConfig.display_name).where(AIModelConfig.provider == model.provider)
    if model.id is not None:
        query = query.where(AIModelConfig.id != model.id)
    with db.session.no_autoflush:
        return [(name, aliases or [], display) for name, aliases, display in
                db.session.execute(query)]


def _conflict_errors(model: AIModelConfig, others: Iterable[NamePair]) -> dict[str, str]:
    """A name or alias may identify only one model of a provider (ignoring case and
    surrounding space), and two of its models may not share a display name."""
    others = list(others)
    names = {name_key(name): name for name, *_ in others}
    owners = dict(names)
    for name, aliases, *_ in others:
        for alias in aliases or []:
            owners.setdefault(name_key(alias), name)
    errors = _display_name_errors(model, others)
    key = name_key(model.model_name)
    if key in names:
        # Named as stored: "GPT-4o-mini" and "gpt-4o-mini " are that same model.
        errors["model_name"] = TakenMessage(
            f"{model.provider} already has a model named {names[key]!r}")
    elif key in owners:
        errors["model_name"] = TakenMessage(
            f"{model.model_name!r} is already an alias of {owners[key]!r}")
    if isinstance(model.aliases, list):
        taken = [alias for alias in model.aliases if name_key(alias) in owners]
        if taken:
            errors["aliases"] = TakenMessage(f"Alias {taken[0]!r} already names "
                                             f"{owners[name_key(taken[0])]!r} of {model.provider}")
    return errors


def _display_name_errors(model: AIModelConfig, others: Sequence[NamePair]) -> dict[str, str]:
    """The display name is what dropdowns, history and confirmations show: unique per provider."""
    key = name_key(model.display_name)
    clash = next((row for row in others  # (name, aliases) pairs carry no display name
                  if len(row) > 2 and name_key(row[2]) == key), None)
    if not key or clash is None:
        return {}
    message = TakenMessage(f"{model.provider} already has a model displayed as {clash[2]!r}"
                           f" ({clash[0]}); choose another display name")
    return {"display_name": message}
