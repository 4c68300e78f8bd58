"""Realistic usage draws for the demo data and the ledger benchmarks (no database access).

Accounts are Zipf-weighted (a few large customers, a long tail); each uses a main text model, one
or two others and sometimes an image model. Traffic grows over the period, dips at weekends and
follows office hours (UTC). Prompt and completion sizes are log-normal; about a third of the
requests read part of the prompt from the cache; a few are long-context prompts (200k-900k
tokens) that cross a tier threshold.
"""
from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from typing import NamedTuple

DAY = 86_400
# Requests per hour of the UTC day, relative (office hours in Europe and the Americas).
HOURLY = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 11, 12, 12, 11, 10, 8, 7, 6, 5, 4, 3)
IMAGES_PER_REQUEST = (1, 1, 1, 1, 1, 1, 1, 2, 2, 4)
LONG_CONTEXT_SHARE = 0.003
CACHED_SHARE = 0.35
ACCOUNT_NAMES = (
    "Northwind Media", "Acme Content Studio", "Globex Publishing", "Initech Marketing",
    "Umbrella Health Blog", "Hooli News", "Stark Travel Guides", "Wayne Foundation Press",
    "Soylent Recipes", "Vandelay Imports Journal", "Cyberdyne Tech Review", "Tyrell Lifestyle",
    "Wonka Kids Stories", "Gringotts Finance Daily", "Oceanic Airlines Magazine",
    "Pied Piper Dev Notes", "Dunder Mifflin Paper Tips", "Monarch Real Estate",
    "Blue Sun Outdoor", "Aperture Science Weekly", "Massive Dynamic Insights",
    "Prestige Worldwide Events", "Bluth Homes Listings", "Sterling Cooper Ads",
    "Los Pollos Kitchen", "Krusty Comedy Club", "Duff Beverage Notes", "Virtucon Security",
    "Nakatomi Business Review", "Rekall Memories", "Weyland Expeditions", "Genco Olive Oil",
    "Ollivander Crafts", "Paper Street Soap Co.", "Buy n Large Deals", "Gekko Capital Letters",
    "Spacely Sprockets Blog", "Cogswell Cogs Updates", "Mooby Family Dining",
    "Zorg Industries Digest",
)


@dataclass(frozen=True)
class ModelUse:
    """One model an account sends requests to, with its share of the account's requests."""

    model_id: int
    model_type: str
    slot: str | None
    weight: float


class Draw(NamedTuple):
    """One request: who, which model, when (seconds after the period's start), its counts."""

    account_id: int
    model_id: int
    slot: str | None
    offset: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    images: int


def _table(weights: list[float], size: int) -> list[int]:
    """A lookup table of `size` indexes, each index repeated in proportion to its weight."""
    cum = list(accumulate(weights))
    return [min(bisect_right(cum, (slot + 0.5) / size * cum[-1]), len(cum) - 1)
            for slot in range(size)]


class UsagePlan:
    """Who uses which models over `days` days from `start`, ready for fast weighted draws.

    Requests are spread over the days by the day weights and drawn day by day in time order.
    Weighted choices are lookups in tables of 2**k slots indexed by random bits (weights are
    quantised to 1/4096), and request sizes come from a pool of 2**pool_bits draws of the size
    distribution, so one request costs two random numbers.
    """

    def __init__(self, uses: dict[int, list[ModelUse]], start: datetime, days: int,
                 seed: int = 7, pool_bits: int = 18) -> None:
        rng = random.Random(seed)
        self.pool_bits = pool_bits
        self.start, self.days = start, days
        self.account_ids = list(uses)
        self.accounts = _table([1 / (rank + 1) ** 1.1 for rank in range(len(uses))], 4096)
        self.uses = [uses[account_id] for account_id in self.account_ids]
        self.use_tables = [_table([use.weight for use in models], 1024) for models in self.uses]
        self.day_weights = [self._day_weight(day) for day in range(days)]
        self.hour_table = _table(list(HOURLY), 1024)
        self.sizes = [_text_counts(rng) for _ in range(2 ** pool_bits)]
        self.image_counts = [rng.choice(IMAGES_PER_REQUEST) for _ in range(2 ** pool_bits)]

    def _day_weight(self, day: int) -> float:
        """Growth over the period and quieter weekends."""
        weekend = (self.start + timedelta(days=day)).weekday() >= 5
        return (1 + day / max(self.days, 1)) * (0.55 if weekend else 1.0)

    def moment(self, offset: int) -> datetime:
        """The time `offset` seconds after the start."""
        return self.start + timedelta(seconds=offset)


def _text_counts(rng: random.Random) -> tuple[int, int, int]:
    """Prompt, cached and completion tokens of one text request."""
    if rng.random() < LONG_CONTEXT_SHARE:
        prompt = rng.randrange(200_001, 900_000)
    else:
        prompt = min(1 + int(rng.lognormvariate(7.1, 1.0)), 190_000)
    cached = int(prompt * rng.uniform(0.2, 0.95)) if rng.random() < CACHED_SHARE else 0
    completion = min(1 + int(rng.lognormvariate(5.9, 0.8)), 32_000)
    return prompt, cached, completion


def day_quotas(plan: UsagePlan, count: int) -> list[int]:
    """How many of `count` requests fall on each day (by the day weights, largest remainders)."""
    weights = plan.day_weights
    exact = [count * weight / sum(weights) for weight in weights]
    quotas = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda day: quotas[day] - exact[day])
    for day in by_remainder[:count - sum(quotas)]:
        quotas[day] += 1
    return quotas


def _day_draws(plan: UsagePlan, day: int, count: int, rng: random.Random) -> list[tuple]:
    """`count` requests of one day as plain tuples in Draw's field order, in time order."""
    accounts, uses, tables = plan.accounts, plan.uses, plan.use_tables
    hours, sizes, images = plan.hour_table, plan.sizes, plan.image_counts
    ids, bits, base = plan.account_ids, rng.getrandbits, day * DAY
    out = []
    for _ in range(count):
        r = bits(64)
        index = accounts[r & 4095]
        use = uses[index][tables[index][(r >> 12) & 1023]]
        offset = base + hours[(r >> 22) & 1023] * 3600 + (r >> 32) % 3600
        pick = bits(plan.pool_bits)
        if use.model_type == "image":
            out.append((ids[index], use.model_id, use.slot, offset, 0, 0, 0, images[pick]))
        else:
            out.append((ids[index], use.model_id, use.slot, offset, *sizes[pick], 0))
    out.sort(key=lambda drawn: drawn[3])
    return out


def raw_draws(plan: UsagePlan, count: int, rng: random.Random):
    """`count` requests as plain tuples in Draw's field order, in time order as a ledger
    receives them (a generator holding one day at a time, for bulk loads)."""
    for day, quota in enumerate(day_quotas(plan, count)):
        yield from _day_draws(plan, day, quota, rng)


def draws(plan: UsagePlan, count: int, rng: random.Random):
    """`count` requests drawn from the plan, as Draw tuples (a generator)."""
    for fields in raw_draws(plan, count, rng):
        yield Draw(*fields)


def model_mix(text: list[tuple[int, str | None]], image: list[tuple[int, str | None]],
              rank: int, rng: random.Random) -> list[ModelUse]:
    """The models of the account at `rank`: a main text model, others, maybe an image model."""
    main = text[rank % len(text)]
    others = rng.sample([m for m in text if m != main], k=min(2, len(text) - 1))
    mix = [ModelUse(main[0], "text", main[1], 0.7)]
    mix += [ModelUse(model_id, "text", slot, 0.2 / (i + 1)) for i, (model_id, slot)
            in enumerate(others)]
    if image and rng.random() < 0.6:
        model_id, slot = rng.choice(image)
        mix.append(ModelUse(model_id, "image", slot, 0.05))
    return mix
