"""A model's price versions as stored, read only: all of them, its next scheduled one, every
model's next scheduled one."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from igny8.extensions import db
from igny8.models.prices import ModelPriceVersion
from igny8.services.prices import utcnow


def versions_of(model_id: int) -> list[ModelPriceVersion]:
    """The model's versions, oldest first."""
    return list(db.session.scalars(
        select(ModelPriceVersion).where(ModelPriceVersion.model_id == model_id)
        .order_by(ModelPriceVersion.effective_from)))


def scheduled_of(model_id: int, now: datetime | None = None) -> ModelPriceVersion | None:
    """The model's next version still to come (a scheduled change), or None."""
    return db.session.scalars(
        select(ModelPriceVersion)
        .where(ModelPriceVersion.model_id == model_id,
               ModelPriceVersion.effective_from > (now or utcnow()))
        .order_by(ModelPriceVersion.effective_from).limit(1)).first()


def scheduled_changes(now: datetime | None = None) -> dict[int, ModelPriceVersion]:
    """Every model's next scheduled version, by model id (one query)."""
    rows = db.session.scalars(
        select(ModelPriceVersion).where(ModelPriceVersion.effective_from > (now or utcnow()))
        .order_by(ModelPriceVersion.model_id, ModelPriceVersion.effective_from))
    found: dict[int, ModelPriceVersion] = {}
    for version in rows:
        found.setdefault(version.model_id, version)
    return found
