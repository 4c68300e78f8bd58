"""Price versions: what a model cost from `effective_from` on (the price history)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from igny8.extensions import db
from igny8.models.base import BigIntId, utcnow
from igny8.models.catalogue import Price
from igny8.pricing import PRICE_FIELDS

# The long-context tier's prices (a cliff: see igny8/services/costing.py).
TIER_PRICE_FIELDS = ("tier_input_price_per_1m", "tier_cached_input_price_per_1m",
                     "tier_output_price_per_1m")


def _nonnegative(column: str) -> CheckConstraint:
    short = column.removesuffix("_per_1m").removesuffix("_price").replace("price_per_", "")
    return CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{short}_nonnegative")


class ModelPriceVersion(db.Model):
    """The prices of one model in force from `effective_from` until the next version's."""

    __tablename__ = "igny8_model_price_versions"
    __table_args__ = (
        UniqueConstraint("model_id", "effective_from",
                         name="uq_igny8_model_price_versions_model_effective"),
        # What a usage record's (model_id, price_version_id) references: a record's version
        # is one of its own model's (0019).
        Index("uq_igny8_model_price_versions_model_id", "model_id", "id", unique=True),
        *(_nonnegative(column) for column in (*PRICE_FIELDS, *TIER_PRICE_FIELDS)),
        CheckConstraint("tier_threshold_tokens IS NULL OR tier_threshold_tokens > 0",
                        name="tier_threshold_positive"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    model_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("igny8_ai_model_config.id", ondelete="CASCADE"))
    effective_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    input_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    cached_input_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    output_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    price_per_image: Mapped[Decimal | None] = mapped_column(Price)
    # Above this many input tokens in one request, the tier prices apply to all its tokens.
    tier_threshold_tokens: Mapped[int | None] = mapped_column(Integer)
    tier_input_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    tier_cached_input_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    tier_output_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    source: Mapped[str] = mapped_column(String(200), default="")
    checked_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<ModelPriceVersion {self.id} model={self.model_id} from {self.effective_from}>"
