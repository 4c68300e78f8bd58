"""What would it cost if we switch? The actual cost of the usage that ran on a source model (or
a global slot's model) over a period of UTC days, next to the cost of the same counts at a
target model's prices in force at each record's time, per account and in total.

Cached input tokens cost the target's cached price (its input price when it has none); the
target's long-context tier is a cliff per request (costing.rates_for). Usage at a time the
target had no price for (before its first version, or a version lacking its type's prices) is
not compared: it is reported apart as `uncovered`, with its dates, so the figures never mix
priced and unpriced usage. Read only: nothing is written.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import localcontext

from sqlalchemy import Select, select

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models import SLOTS, Account, AIModelConfig, IntegrationSettings
from igny8.models.json_keys import json_key_text
from igny8.services.costing import PriceBook
from igny8.services.global_settings import global_models, load_global_settings
from igny8.services.projection_figures import Projection, account_names, build
from igny8.services.projection_tally import Key, Tally, tally
from igny8.services.usage_store import projection as store

MAX_DAYS = 366


def last_days(days: int, today: date) -> tuple[date, date]:
    """The `days` UTC days ending with `today` (today included)."""
    return today - timedelta(days=days - 1), today


def _models(from_model_id: int | None, to_model_id: int) -> dict[int, AIModelConfig]:
    """The models by id (one query)."""
    wanted = {i for i in (from_model_id, to_model_id) if i is not None}
    found = db.session.scalars(select(AIModelConfig).where(AIModelConfig.id.in_(wanted)))
    return {model.id: model for model in found}


def _refuse_unknown(models: dict, model_id: int, name: str) -> AIModelConfig:
    """The model, or ValidationFailed naming the field."""
    if model_id not in models:
        raise ValidationFailed(f"{name}: there is no model with id {model_id}.",
                               {name: f"no model with id {model_id}"})
    return models[model_id]


def load_target(to_model_id: int) -> AIModelConfig:
    """The target model, or ValidationFailed naming `to_model`."""
    return _refuse_unknown(_models(None, to_model_id), to_model_id, "to_model")


def _a(word: str) -> str:
    """`word` with its indefinite article: "a text", "an image"."""
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def check_pair(source: AIModelConfig, target: AIModelConfig) -> None:
    """Refuse a projection across model types (text usage has no image counts)."""
    if source.model_type != target.model_type:
        message = (f"{target.model_name} is {_a(target.model_type)} model and "
                   f"{source.model_name} {_a(source.model_type)} model: a projection compares "
                   f"models of one type")
        raise ValidationFailed(f"to_model: {message}.", {"to_model": message})


def check_period(start: date, end: date) -> None:
    """Refuse an end before the start or a period longer than MAX_DAYS."""
    if end < start:
        message = f"the end ({end}) is before the start ({start})"
        raise ValidationFailed(f"end: {message}.", {"end": message})
    if (end - start).days + 1 > MAX_DAYS:
        message = f"a period is at most {MAX_DAYS} days"
        raise ValidationFailed(f"end: {message}.", {"end": message})


def _check_account(account_id: int | None) -> None:
    """Refuse an unknown account id (archived accounts keep their history)."""
    if account_id is not None and db.session.get(Account, account_id) is None:
        raise ValidationFailed(f"account: there is no account with id {account_id}.",
                               {"account": f"no account with id {account_id}"})


def project(from_model_id: int, to_model_id: int, start: date, end: date,
            account_id: int | None = None) -> Projection:
    """The usage of `from_model_id` over `start`..`end` (UTC days, inclusive), optionally of one
    account, at `to_model_id`'s prices: a constant number of queries whatever the data."""
    models = _models(from_model_id, to_model_id)
    source = _refuse_unknown(models, from_model_id, "from_model")
    target = _refuse_unknown(models, to_model_id, "to_model")
    check_pair(source, target)
    check_period(start, end)
    _check_account(account_id)
    accounts = [account_id] if account_id is not None else None
    found = compare(target, [source.id], accounts, start, end)
    return build(source, target, start, end, found)


def followers_of(slot_name: str) -> Select:
    """The ids of the active accounts without an override for the slot (they follow it)."""
    slot = SLOTS[slot_name]
    return (select(Account.id)
            .outerjoin(IntegrationSettings, IntegrationSettings.account_id == Account.id)
            .where(Account.archived_at.is_(None),
                   json_key_text(IntegrationSettings.config, slot.config_key).is_(None)))


def project_slot(slot_name: str, to_model_id: int, start: date, end: date) -> Projection:
    """The usage on a global slot's current model by the active accounts that follow the slot
    (no override for it today), at `to_model_id`'s prices.

    The daily rollups do not carry a record's `slot`, so a model that fills two global slots
    counts a follower's usage of it under each: the figure is an upper bound then.
    """
    if slot_name not in SLOTS:
        raise ValidationFailed(f"slot: unknown slot {slot_name!r}.", {"slot": "unknown slot"})
    source = global_models(load_global_settings())[slot_name]
    if source is None:
        message = f"{SLOTS[slot_name].label} is not set: no model to project from"
        raise ValidationFailed(f"slot: {message}.", {"slot": message})
    target = load_target(to_model_id)
    check_pair(source, target)
    check_period(start, end)
    found = compare(target, [source.id], followers_of(slot_name), start, end)
    projection = build(source, target, start, end, found)
    return replace(projection, slot=slot_name)


def project_sources(to_model_id: int, start: date, end: date) -> list[Projection]:
    """Every other model of the target's type with usage in `start`..`end`, each projected to
    the target (for the model page), most expensive first; a constant number of queries."""
    target = load_target(to_model_id)
    check_period(start, end)
    sources = select(AIModelConfig.id).where(AIModelConfig.model_type == target.model_type,
                                             AIModelConfig.id != target.id)
    found = compare(target, sources, None, start, end)
    models = {m.id: m for m in db.session.scalars(
        select(AIModelConfig).where(AIModelConfig.id.in_({key[0] for key in found})))}
    names = account_names(found)
    projections = [build(models[model_id], target, start, end, part, names)
                   for model_id, part in _by_model(found).items()]
    return sorted(projections, key=lambda p: (-p.actual, p.source.display_name))


def compare(target: AIModelConfig, models: store.Ids, accounts: store.Ids | None,
            start: date, end: date) -> dict[Key, Tally]:
    """The tallies at the target's price book (one query for its versions), in exact Decimal."""
    with localcontext() as context:
        context.prec = 60  # a sum of millions of costs keeps every pico-dollar
        return tally(PriceBook([target.id]), target.id, target.model_type, models, accounts,
                     start, end)


def _by_model(found: dict[Key, Tally]) -> dict[int, dict[Key, Tally]]:
    """The tallies split per source model."""
    grouped: dict[int, dict[Key, Tally]] = {}
    for key, part in found.items():
        grouped.setdefault(key[0], {})[key] = part
    return grouped
