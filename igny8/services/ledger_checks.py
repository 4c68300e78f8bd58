"""One parsed usage record against the accounts, the catalogue and the price history: the
problems it has, else its row with the cost at the version in force at `occurred_at`.

Refused: an unknown or archived account; an unknown model; a slot that does not hold the
model's provider and type; images on a text model or tokens on an image model; a time before
the model's first price version; a version in force that lacks the prices of the model's type
(input and output per 1M tokens for text, the price per image for images).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from igny8.models.accounts import Account
from igny8.models.catalogue import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.models.slots import SLOTS
from igny8.services.accounts import unavailable
from igny8.services.costing import Counts, PriceBook, Rates, as_utc, cost_at_rates, rates_for

Problems = dict[str, str]
TOKEN_COUNTS = ("input_tokens", "cached_input_tokens", "output_tokens")
PRICE_NAMES = {"input_tokens": "input price per 1M tokens",
               "output_tokens": "output price per 1M tokens", "images": "price per image"}


@dataclass(frozen=True)
class References:
    """What a batch's records point at, read under the ledger's locks."""

    models: Mapping[int, AIModelConfig]
    accounts: Mapping[int, Account]
    book: PriceBook


def when(moment: datetime) -> str:
    """A time as messages show it."""
    return f"{as_utc(moment):%Y-%m-%d %H:%M:%S} UTC"


def account_problems(account_id: int, accounts: Mapping[int, Account]) -> Problems:
    """An unknown or archived account, worded as the accounts service words it."""
    refusal = unavailable(account_id, accounts.get(account_id))
    return {} if refusal is None else {"account_id": refusal.fields["account_id"]}


def type_problems(values: Mapping[str, Any], model: AIModelConfig) -> Problems:
    """Counts the model's type is not billed by, and a slot that cannot hold the model."""
    name = model.model_name
    if model.model_type == "image":
        problems = {field: f"must be 0: {name} is an image model, priced per image"
                    for field in TOKEN_COUNTS if values[field]}
    else:
        problems = ({"images": f"must be 0: {name} is a text model, priced per token"}
                    if values["images"] else {})
    slot = SLOTS.get(values["slot"] or "")
    if slot is not None and not slot.accepts(model):
        problems["slot"] = f"{slot.name} ({slot.label}) cannot hold {name} ({model.provider} " \
                           f"{model.model_type})"
    return problems


def reference_problems(values: Mapping[str, Any], references: References) -> Problems:
    """The problems of the account, the model and the counts for the model's type."""
    problems = account_problems(values["account_id"], references.accounts)
    model = references.models.get(values["model_id"])
    if model is None:
        return {**problems, "model_id": f"no AI model has id {values['model_id']}"}
    return {**problems, **type_problems(values, model)}


def missing_prices(rates: Rates, model_type: str) -> list[str]:
    """The count fields whose price the rates lack for a model of `model_type`."""
    if model_type == "image":
        return ["images"] if rates.image is None else []
    return [field for field, price in (("input_tokens", rates.input),
                                       ("output_tokens", rates.output)) if price is None]


def version_problems(values: Mapping[str, Any], model: AIModelConfig,
                     version: ModelPriceVersion | None, rates: Rates | None) -> Problems:
    """No version in force at the time, or one without the prices the model's type needs."""
    if version is None:
        return {"occurred_at": f"no price of {model.model_name} is in force at "
                               f"{when(values['occurred_at'])} (before its first price version)"}
    missing = missing_prices(rates, model.model_type)
    return {field: f"the price version of {model.model_name} in force at "
                   f"{when(values['occurred_at'])} (from {when(version.effective_from)}) "
                   f"has no {PRICE_NAMES[field]}" for field in missing}


def costed_row(values: Mapping[str, Any], references: References) -> tuple[
        dict[str, Any] | None, Problems]:
    """(the row to store: values, cost and price version; {}) or (None, the problems)."""
    problems = reference_problems(values, references)
    if problems:
        return None, problems
    model = references.models[values["model_id"]]
    version = references.book.in_force(model.id, values["occurred_at"])
    rates = None if version is None else rates_for(version, values["input_tokens"])
    problems = version_problems(values, model, version, rates)
    if problems:
        return None, problems
    counts = Counts(values["input_tokens"], values["cached_input_tokens"],
                    values["output_tokens"], values["images"])
    cost = cost_at_rates(rates, counts, model.model_type)
    return {**values, "cost": cost, "price_version_id": version.id}, {}
