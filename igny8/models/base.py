"""Column types and helpers shared by every model module."""
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, DateTime, Integer, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT (BIGSERIAL).
BigIntId = BigInteger().with_variant(Integer(), "sqlite")
# JSONB on PostgreSQL allows set-based updates of keys in the migrations.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


class TimestampMixin:
    """created_at / updated_at columns set by the application."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class PicoUSD(TypeDecorator):
    """Money as an exact Decimal stored as whole pico-dollars (10**-12 USD) in a BIGINT.

    A cost is tokens x (price per 1M tokens, 6 places) / 10**6: at most 12 places, so the
    integer is exact, and SQL sums stay exact on PostgreSQL and SQLite alike (SQLite would
    store a NUMERIC as a float).
    """

    impl = BigInteger
    cache_ok = True
    SCALE = 12

    def process_bind_param(self, value, dialect):
        """Decimal -> pico-dollars; refuses a value finer than 10**-12."""
        if value is None:
            return None
        scaled = Decimal(value).scaleb(self.SCALE)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.SCALE} decimal places")
        return int(scaled)

    def process_result_value(self, value, dialect):
        """Pico-dollars -> Decimal dollars."""
        return None if value is None else from_pico(value)


def from_pico(value: int | Decimal) -> Decimal:
    """Pico-dollars (an int, or the Decimal a SQL SUM returns) -> Decimal dollars."""
    return Decimal(int(value)).scaleb(-PicoUSD.SCALE)
