"""The ledger benchmark's world: which models are used, their price versions, the accounts.

Every priced catalogue model gets a version effective 1970-01-01 with its catalogue prices (as
migration 0015 backfills). The models in use then get changes inside the period: cuts and
raises, a long-context tier from the start and one added mid-period, an image price cut, and a
scheduled change in the future. The catalogue's current price columns are set to the version in
force now, as the one commit path keeps them.
"""
from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import insert, select, update

from igny8.extensions import db
from igny8.models import Account, AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.pricing import PRICE_FIELDS
from igny8.services.demo_usage import UsagePlan, model_mix

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SIX = Decimal("0.000001")
SLOT_OF = {("openai", "text"): "openai_model", ("anthropic", "text"): "text_model",
           ("openai", "image"): "dalle_model", ("runware", "image"): "runware_model"}
TIER = {"tier_threshold_tokens": 200_000, "input": 2, "cached": 2, "output": Decimal("1.5")}


@dataclass(frozen=True)
class Rates:
    """A version's prices as whole micro-dollars (per 1M tokens / per image) for integer costs."""

    version_id: int
    input: int
    cached: int
    output: int
    image: int
    threshold: int | None
    tier: tuple[int, int, int] | None


def micro(price: Decimal | None) -> int:
    """A 6-place price as whole micro-dollars (0 when unset)."""
    return 0 if price is None else int(price.scaleb(6))


def scaled(version: dict, factor: Decimal) -> dict:
    """The version's prices times `factor`, rounded to 6 places."""
    return {**version, **{name: (version[name] * factor).quantize(SIX)
                          for name in (*PRICE_FIELDS, "tier_input_price_per_1m",
                                       "tier_cached_input_price_per_1m",
                                       "tier_output_price_per_1m")
                          if version.get(name) is not None}}


def with_tier(version: dict) -> dict:
    """The version with Anthropic-style long-context prices above 200k input tokens."""
    cached = version["cached_input_price_per_1m"] or version["input_price_per_1m"]
    return {**version, "tier_threshold_tokens": TIER["tier_threshold_tokens"],
            "tier_input_price_per_1m": version["input_price_per_1m"] * TIER["input"],
            "tier_cached_input_price_per_1m": cached * TIER["cached"],
            "tier_output_price_per_1m": (version["output_price_per_1m"]
                                         * TIER["output"]).quantize(SIX)}


def base_version(model: AIModelConfig) -> dict:
    """The 1970 version of a catalogue model, from its current prices."""
    return {"model_id": model.id, "effective_from": EPOCH, "source": model.price_source or "",
            "created_by": "bench", **{name: getattr(model, name) for name in PRICE_FIELDS}}


def changes(base: dict, role: str, start: datetime, now: datetime) -> list[dict]:
    """The versions after `base` for a model playing `role` in the period."""
    def on(days: int, version: dict) -> dict:
        return {**version, "effective_from": start + timedelta(days=days)}
    plans = {
        "cut": lambda: [on(30, scaled(base, Decimal("0.8")))],
        "raise": lambda: [on(60, scaled(base, Decimal("1.1")))],
        "twice": lambda: [on(20, scaled(base, Decimal("0.9"))),
                          on(70, scaled(base, Decimal("0.675")))],
        "tier-later": lambda: [on(45, with_tier(base))],
        "image-cut": lambda: [on(45, scaled(base, Decimal("0.8")))],
        "scheduled": lambda: [{**scaled(base, Decimal("0.5")),
                               "effective_from": now + timedelta(days=14)}],
    }
    return plans[role]() if role in plans else []


ROLES = ("cut", "raise", "twice", "scheduled")  # the first text models; see roles_for


def roles_for(text: list[AIModelConfig], image: list[AIModelConfig]) -> dict[int, str]:
    """Which in-use model gets which price story."""
    roles = {model.id: role for model, role in zip(text, ROLES)}
    anthropic = [m for m in text if m.provider == "anthropic"]
    roles[anthropic[0].id] = "tier"
    roles[anthropic[1].id] = "tier-later"
    roles[image[0].id] = "image-cut"
    return roles


def in_use(groups) -> tuple[list[AIModelConfig], list[AIModelConfig]]:
    """The text and image models the accounts send requests to (priced, active)."""
    def models(key, count):
        return list(db.session.scalars(select(AIModelConfig).where(
            AIModelConfig.id.in_(groups[key][:count])).order_by(AIModelConfig.id)))
    text = models(("openai", "text", True), 10) + models(("anthropic", "text", True), 4)
    image = models(("openai", "image", True), 3) + models(("runware", "image", True), 3)
    return text, image


def priced(model: AIModelConfig) -> bool:
    """Whether a catalogue model has the prices its type needs."""
    if model.model_type == "image":
        return model.price_per_image is not None
    return model.input_price_per_1m is not None and model.output_price_per_1m is not None


def create_versions(text, image, start: datetime, now: datetime) -> dict[int, list[dict]]:
    """Insert every priced model's versions; the in-use models' versions, oldest first."""
    roles = roles_for(text, image)
    in_use_ids = {m.id for m in (*text, *image)}
    rows, used = [], {}
    for model in db.session.scalars(select(AIModelConfig).order_by(AIModelConfig.id)):
        if not priced(model):
            continue
        base = base_version(model)
        if roles.get(model.id) == "tier":
            base = with_tier(base)
        versions = [base, *changes(base, roles.get(model.id, ""), start, now)]
        rows += versions
        if model.id in in_use_ids:
            used[model.id] = versions
    columns = {key for row in rows for key in row}
    for row in rows:  # one set of keys for the multi-row insert; the dicts stay shared
        for key in columns:
            row.setdefault(key, None)
    ids = db.session.scalars(insert(ModelPriceVersion).returning(
        ModelPriceVersion.id, sort_by_parameter_order=True), rows)
    for row, version_id in zip(rows, ids.all()):
        row["id"] = version_id
    sync_current_prices(used, now)
    return used


def sync_current_prices(used: dict[int, list[dict]], now: datetime) -> None:
    """Set each in-use model's catalogue prices to its version in force now."""
    for model_id, versions in used.items():
        current = [v for v in versions if v["effective_from"] <= now][-1]
        db.session.execute(update(AIModelConfig).where(AIModelConfig.id == model_id).values(
            **{name: current.get(name) for name in PRICE_FIELDS}))


def rates_of(version: dict) -> Rates:
    """A version as integer micro-dollar rates."""
    base_cached = version.get("cached_input_price_per_1m") or version.get("input_price_per_1m")
    tier = None
    if version.get("tier_threshold_tokens") is not None:
        tier = tuple(micro(version.get(f"tier_{kind}_price_per_1m")) or fallback for kind, fallback
                     in (("input", micro(version.get("input_price_per_1m"))),
                         ("cached_input", micro(base_cached)),
                         ("output", micro(version.get("output_price_per_1m")))))
    return Rates(version["id"], micro(version.get("input_price_per_1m")), micro(base_cached),
                 micro(version.get("output_price_per_1m")), micro(version.get("price_per_image")),
                 version.get("tier_threshold_tokens"), tier)


class VersionIndex:
    """The version in force per model at a period offset (seconds), by bisection."""

    def __init__(self, used: dict[int, list[dict]], start: datetime) -> None:
        self.starts = {mid: [int((v["effective_from"] - start).total_seconds()) for v in vs]
                       for mid, vs in used.items()}
        self.rates = {mid: [rates_of(v) for v in vs] for mid, vs in used.items()}

    def at(self, model_id: int, offset: int) -> Rates:
        """The rates of the version in force `offset` seconds after the start."""
        return self.rates[model_id][bisect_right(self.starts[model_id], offset) - 1]


def create_accounts(names: list[str]) -> list[int]:
    """Insert the accounts; their ids."""
    return list(db.session.scalars(insert(Account).returning(Account.id),
                                   [{"name": name} for name in names]))


def usage_plan(account_ids, text, image, start: datetime, days: int, seed: int) -> UsagePlan:
    """Each account's model mix (slots named after the provider's global slot)."""
    rng = random.Random(seed)
    text_uses = [(m.id, SLOT_OF[m.provider, "text"]) for m in text]
    image_uses = [(m.id, SLOT_OF[m.provider, "image"]) for m in image]
    uses = {account_id: model_mix(text_uses, image_uses, rank, rng)
            for rank, account_id in enumerate(account_ids)}
    return UsagePlan(uses, start, days, seed)
