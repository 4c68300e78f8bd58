"""The usage ledger: one row per AI request, its cost, daily rollups and re-costing runs."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from igny8.extensions import db
from igny8.models.base import BigIntId, JsonDocument, PicoUSD, utcnow

COUNTS = ("input_tokens", "cached_input_tokens", "output_tokens", "images")
Count = BigInteger().with_variant(Integer(), "sqlite")


def _counts_nonnegative() -> tuple[CheckConstraint, ...]:
    return tuple(CheckConstraint(f"{column} >= 0", name=f"{column}_nonnegative")
                 for column in COUNTS)


class UsageRecord(db.Model):
    """One AI request of an account on a model, costed at ingest with the price then in force.

    `input_tokens` counts every prompt token, `cached_input_tokens` the part of them read from
    the provider's cache (so cached <= input), as OpenAI's usage reports them.
    """

    __tablename__ = "igny8_usage_records"
    __table_args__ = (
        *_counts_nonnegative(),
        CheckConstraint("cached_input_tokens <= input_tokens", name="cached_within_input"),
        Index("ix_igny8_usage_records_model_occurred", "model_id", "occurred_at"),
        Index("ix_igny8_usage_records_account_occurred", "account_id", "occurred_at"),
        # A projection onto a tiered price finds the long requests of a model (0017).
        Index("ix_igny8_usage_records_model_input", "model_id", "input_tokens"),
        # The version in force is one of the record's own model's. The key leads with model_id,
        # so deleting an unused model's versions checks its records through the model's index;
        # price_version_id has no index of its own, and a re-costing that changes only cost,
        # price version and run rewrites a row on its own page without index entries (0019).
        ForeignKeyConstraint(
            ["model_id", "price_version_id"],
            ["igny8_model_price_versions.model_id", "igny8_model_price_versions.id"],
            name="fk_igny8_usage_records_price_version", ondelete="RESTRICT"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    # The client's id for the request: sending the same record again changes nothing.
    request_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("igny8_accounts.id", ondelete="RESTRICT"))
    model_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("igny8_ai_model_config.id", ondelete="RESTRICT"))
    slot: Mapped[str | None] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    input_tokens: Mapped[int] = mapped_column(Count, default=0)
    cached_input_tokens: Mapped[int] = mapped_column(Count, default=0)
    output_tokens: Mapped[int] = mapped_column(Count, default=0)
    images: Mapped[int] = mapped_column(Count, default=0)
    cost: Mapped[Decimal] = mapped_column(PicoUSD)
    price_version_id: Mapped[int] = mapped_column(BigIntId)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The re-costing run that last changed this record's cost, if any.
    recost_run_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("igny8_recost_runs.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<UsageRecord {self.id} {self.request_id!r}>"


# Room on each page for the new row versions a re-costing writes (PostgreSQL's HOT updates).
USAGE_RECORDS_FILLFACTOR = 90
event.listen(UsageRecord.__table__, "after_create", DDL(
    f"ALTER TABLE igny8_usage_records SET (fillfactor = {USAGE_RECORDS_FILLFACTOR})"
).execute_if(dialect="postgresql"))


class UsageDaily(db.Model):
    """Per account x model x UTC day: the sums of its records, kept with every ledger write.

    `max_input_tokens` tells a projection whether any record of the day crosses a tier
    threshold (then that day is read record by record).
    """

    __tablename__ = "igny8_usage_daily"
    __table_args__ = (
        *_counts_nonnegative(),
        Index("ix_igny8_usage_daily_model_day", "model_id", "day"),
        Index("ix_igny8_usage_daily_day", "day"),
    )

    account_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("igny8_accounts.id", ondelete="RESTRICT"), primary_key=True)
    model_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("igny8_ai_model_config.id", ondelete="RESTRICT"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    records: Mapped[int] = mapped_column(Count, default=0)
    input_tokens: Mapped[int] = mapped_column(Count, default=0)
    cached_input_tokens: Mapped[int] = mapped_column(Count, default=0)
    output_tokens: Mapped[int] = mapped_column(Count, default=0)
    images: Mapped[int] = mapped_column(Count, default=0)
    max_input_tokens: Mapped[int] = mapped_column(Count, default=0)
    cost: Mapped[Decimal] = mapped_column(PicoUSD, default=Decimal(0))

    def __repr__(self) -> str:
        return f"<UsageDaily account={self.account_id} model={self.model_id} {self.day}>"


RECOST_STATES = ("previewed", "queued", "running", "done", "failed")


class RecostRun(db.Model):
    """One re-costing of a model's records since a time, after a price correction."""

    __tablename__ = "igny8_recost_runs"
    __table_args__ = (
        CheckConstraint("status IN ('previewed', 'queued', 'running', 'done', 'failed')",
                        name="status_known"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    model_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("igny8_ai_model_config.id", ondelete="RESTRICT"))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    requested_by: Mapped[str] = mapped_column(String(200), default="")
    # What changed the prices (e.g. the corrected version and its old/new prices), as JSON.
    price_change: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    records_total: Mapped[int] = mapped_column(Count, default=0)
    records_done: Mapped[int] = mapped_column(Count, default=0)
    records_changed: Mapped[int] = mapped_column(Count, default=0)
    total_before: Mapped[Decimal] = mapped_column(PicoUSD, default=Decimal(0))
    total_after: Mapped[Decimal] = mapped_column(PicoUSD, default=Decimal(0))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<RecostRun {self.id} model={self.model_id} {self.status}>"
