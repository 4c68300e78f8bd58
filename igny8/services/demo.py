"""Demo data for a fresh install: named accounts, some overrides, price history and months of
realistic usage, all through the services (accounts, account settings, prices, the ledger).

Loading twice is refused before anything is written: the demo accounts are recognised by name.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from igny8.errors import ConflictError, ValidationFailed
from igny8.extensions import db
from igny8.models import Account, AIModelConfig
from igny8.pricing import PRICE_FIELDS
from igny8.services import accounts, account_settings, ledger, prices
from igny8.services.audit import Actor
from igny8.services.costing import price_in_force
from igny8.services.demo_usage import ACCOUNT_NAMES, UsagePlan, draws, model_mix

BATCH = 1000
SIX = Decimal("0.000001")
SLOT_OF = {("text", "openai"): "openai_model", ("image", "openai"): "dalle_model",
           ("image", "runware"): "runware_model"}


@dataclass(frozen=True)
class DemoOptions:
    """How much demo data to load."""

    days: int = 90
    accounts: int = 30
    records: int = 20_000
    seed: int = 7


@dataclass(frozen=True)
class DemoReport:
    """What a load created."""

    accounts: int
    overrides: int
    price_versions: int
    inserted: int
    duplicates: int
    start: datetime
    end: datetime


def check_options(options: DemoOptions) -> None:
    """Refuse sizes outside what the demo supports, naming the option."""
    errors = {}
    if not 1 <= options.days <= 366:
        errors["days"] = "--days must be 1 to 366"
    if not 1 <= options.accounts <= len(ACCOUNT_NAMES):
        errors["accounts"] = f"--accounts must be 1 to {len(ACCOUNT_NAMES)}"
    if not 1 <= options.records <= 1_000_000:
        errors["records"] = "--records must be 1 to 1,000,000"
    if errors:
        raise ValidationFailed("Demo not loaded: " + "; ".join(errors.values()), errors)


def refuse_if_loaded(names: list[str]) -> None:
    """Refuse when any demo account exists already (nothing is written)."""
    taken = db.session.scalars(select(Account.name).where(Account.name.in_(names))).all()
    if taken:
        raise ConflictError(
            f"Demo data is already loaded ({len(taken)} demo accounts exist, e.g. "
            f"{sorted(taken)[0]!r}); nothing was changed.", {"accounts": "demo data present"})


def demo_models() -> tuple[list[AIModelConfig], list[AIModelConfig]]:
    """The active priced models the demo accounts use: up to 6 text and 3 image models."""
    active = db.session.scalars(select(AIModelConfig).where(
        AIModelConfig.is_active.is_(True)).order_by(AIModelConfig.id)).all()
    text = [m for m in active if m.model_type == "text" and m.input_price_per_1m is not None
            and m.output_price_per_1m is not None][:6]
    image = [m for m in active if m.model_type == "image" and m.price_per_image is not None][:3]
    if not text:
        raise ValidationFailed("Demo not loaded: the catalogue has no active priced text model; "
                               "run `flask catalogue seed` first.", {"models": "none priced"})
    return text, image


def _current_prices(model: AIModelConfig, factor: Decimal = Decimal(1)) -> dict[str, str]:
    """The model's prices now (times `factor`), as the price service takes them."""
    return {name: str((getattr(model, name) * factor).quantize(SIX)) for name in PRICE_FIELDS
            if getattr(model, name) is not None}


def ensure_prices(text: list[AIModelConfig], image: list[AIModelConfig], start: datetime,
                  days: int, actor: Actor) -> int:
    """Give every demo model a price in force from `start`; the first two text models also get
    a 20 % cut in the middle of the period (as if their provider cut prices). Versions added."""
    added = 0
    for rank, model in enumerate([*text, *image]):
        if price_in_force(model.id, start) is not None:
            continue
        story = rank < 2 and model.model_type == "text"
        prices.add_version(model.id, _current_prices(model, Decimal("1.25") if story else 1),
                           actor, effective_from=start)
        added += 1
        if story:
            prices.add_version(model.id, _current_prices(model), actor,
                               effective_from=start + timedelta(days=days // 2))
            added += 1
    return added


def slot_of(model: AIModelConfig) -> str | None:
    """The slot a demo request of this model runs through."""
    return SLOT_OF.get((model.model_type, model.provider), "text_model"
                       if model.model_type == "text" else None)


def create_accounts(names: list[str], text: list[AIModelConfig], actor: Actor) -> tuple[
        list[int], int]:
    """The demo accounts; every third overrides the text slot with another text model."""
    ids, overrides = [], 0
    for rank, name in enumerate(names):
        account = accounts.create_account(name, actor)
        ids.append(account.id)
        if rank % 3 == 1 and len(text) > 1:
            account_settings.set_account_override(
                account.id, "text_model", text[1 + rank % (len(text) - 1)].id, actor=actor)
            overrides += 1
    return ids, overrides


def demo_plan(account_ids: list[int], text, image, start: datetime, options) -> UsagePlan:
    """Each demo account's model mix over the period."""
    rng = random.Random(options.seed)
    text_uses = [(m.id, slot_of(m)) for m in text]
    image_uses = [(m.id, slot_of(m)) for m in image]
    uses = {account_id: model_mix(text_uses, image_uses, rank, rng)
            for rank, account_id in enumerate(account_ids)}
    return UsagePlan(uses, start, options.days, options.seed, pool_bits=12)


def usage_records(plan: UsagePlan, options: DemoOptions) -> Iterator[dict]:
    """The demo's usage records as the ingest API takes them."""
    rng = random.Random(options.seed + 1)
    for number, drawn in enumerate(draws(plan, options.records, rng)):
        yield {"request_id": f"demo-{options.seed}-{number}", "account_id": drawn.account_id,
               "model_id": drawn.model_id, "slot": drawn.slot,
               "occurred_at": plan.moment(drawn.offset).isoformat(),
               "input_tokens": drawn.input_tokens,
               "cached_input_tokens": drawn.cached_input_tokens,
               "output_tokens": drawn.output_tokens, "images": drawn.images}


def ingest_all(records: Iterator[dict], actor: Actor,
               progress: Callable[[int], None]) -> tuple[int, int]:
    """Ingest in batches of BATCH (one commit each); new records and duplicates."""
    inserted = duplicates = 0
    batch: list[dict] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            inserted, duplicates = _ingest(batch, actor, progress, inserted, duplicates)
            batch = []
    if batch:
        inserted, duplicates = _ingest(batch, actor, progress, inserted, duplicates)
    return inserted, duplicates


def _ingest(batch, actor, progress, inserted: int, duplicates: int) -> tuple[int, int]:
    """One ledger call; the running totals."""
    result = ledger.ingest(batch, actor)
    progress(len(batch))
    return inserted + result.inserted, duplicates + result.duplicates


def load_demo(options: DemoOptions, actor: Actor, now: datetime | None = None,
              progress: Callable[[int], None] = lambda done: None) -> DemoReport:
    """Load the demo: accounts, overrides, price history, then usage ending at today 00:00 UTC."""
    check_options(options)
    names = list(ACCOUNT_NAMES[:options.accounts])
    refuse_if_loaded(names)
    text, image = demo_models()
    end = datetime.combine((now or datetime.now(timezone.utc)).date(), time(), timezone.utc)
    start = end - timedelta(days=options.days)
    versions = ensure_prices(text, image, start, options.days, actor)
    account_ids, overrides = create_accounts(names, text, actor)
    plan = demo_plan(account_ids, text, image, start, options)
    inserted, duplicates = ingest_all(usage_records(plan, options), actor, progress)
    return DemoReport(len(account_ids), overrides, versions, inserted, duplicates, start, end)
