"""Scheduled price changes falling due: each model's price columns move to the version in
force now, through the one commit path, audited as "price schedule".

Per request the check is O(1) and sends no statement of its own: the statement that reads the
cache generation (once per transaction, igny8/caching.py) also reads the next due
`effective_from`, and the process holds the last one it saw per database. Only once the clock
has passed it does `promote_if_due` look for stale models (one query) and promote them under
their row locks in one commit, which bumps the generation for every process. `flask prices
promote` runs the same promotion from cron, for a process that serves no requests.
"""
from __future__ import annotations

import logging
from datetime import datetime
from threading import Lock

from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from igny8 import caching
from igny8.errors import DomainError
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.pricing import PRICE_FIELDS
from igny8.services import locking, prices
from igny8.services.audit import Actor
from igny8.services.costing import as_utc
from igny8.services.unit_of_work import Entry, unit_of_work

SCHEDULE = Actor("system", None, "price schedule")
PROMOTION = "price_promotion"
_NEXT_DUE: dict[str, tuple[int, datetime | None]] = {}  # database -> (generation, next due)
_LOCK = Lock()
log = logging.getLogger(__name__)


def _stale_models(now: datetime):
    """The SELECT of models whose price columns differ from their version in force at `now`."""
    version, model = ModelPriceVersion, AIModelConfig
    latest = (select(func.max(version.effective_from))
              .where(version.model_id == model.id, version.effective_from <= now)
              .correlate(model).scalar_subquery())
    return (select(model.id).join(version, (version.model_id == model.id)
                                  & (version.effective_from == latest))
            .where(or_(*(getattr(model, f).is_distinct_from(getattr(version, f))
                         for f in PRICE_FIELDS)))
            .order_by(model.id))


def stale_model_ids(now: datetime) -> list[int]:
    """Models whose price columns differ from their version in force at `now` (one query)."""
    return list(db.session.scalars(_stale_models(now)))


def next_due(now: datetime) -> datetime | None:
    """The earliest effective_from still to come, of any model (one query)."""
    return db.session.scalar(select(func.min(ModelPriceVersion.effective_from))
                             .where(ModelPriceVersion.effective_from > now))


def promote(now: datetime | None = None) -> list[str]:
    """Move every model's columns to its version in force now, under the models' row locks;
    the names of the models promoted (nothing written when none is stale)."""
    now = now or prices.utcnow()
    stale = stale_model_ids(now)
    if not stale:
        return []
    models = locking.lock_models(stale)
    promoted = []
    with unit_of_work(SCHEDULE, "Scheduled prices") as work:
        for model in models.values():
            changes = prices.sync_columns(model, now)
            if changes:
                promoted.append(f"{model.display_name} ({model.model_name})")
                work.record([Entry(PROMOTION, prices.OBJECT_TYPE, model.id,
                                   f"{model.display_name} ({model.model_name}) prices", changes)])
    return promoted


def promote_if_due() -> None:
    """Before a request: promote the versions that fell due since this process last looked.

    No statement of its own: the next due time comes with the generation read
    (igny8/caching.py). The process keeps the due time it saw per database; once the clock
    passes it, the stale models are promoted (one query, then their row locks and one commit).
    """
    generation = caching.current_generation()
    if generation is None:
        return
    key, now = caching.database_key(), prices.utcnow()
    with _LOCK:
        held = _NEXT_DUE.get(key)
    if held is None or held[1] is None or now < as_utc(held[1]):
        if held is None or held[0] != generation:
            _remember(key, generation, caching.next_price_due())
        return
    try:
        promote(now)
    except (DomainError, SQLAlchemyError) as exc:  # a concurrent promotion, a missing table
        db.session.rollback()
        log.warning("scheduled prices not promoted: %s", exc)
        return
    _remember(key, caching.current_generation(), caching.next_price_due())


def _remember(key: str, generation: int | None, due: datetime | None) -> None:
    """Hold the next due time this process saw, with the generation it was read at."""
    with _LOCK:
        _NEXT_DUE[key] = (generation, due)


def forget() -> None:
    """Forget the due times held in this process (tests, after moving the clock)."""
    with _LOCK:
        _NEXT_DUE.clear()
