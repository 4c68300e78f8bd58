"""Accounts and their IntegrationSettings (per-account overrides in a JSON config)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from igny8.extensions import db
from igny8.models.base import BigIntId, JsonDocument, TimestampMixin, utcnow
from igny8.models.json_keys import json_key_text
from igny8.models.slots import SLOTS


class Account(TimestampMixin, db.Model):
    """A customer account of the content platform."""

    __tablename__ = "igny8_accounts"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Archived accounts leave the pickers and refuse new usage; their history stays.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    integration_settings: Mapped[IntegrationSettings | None] = relationship(
        back_populates="account", uselist=False, cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.name!r}>"

    @property
    def is_archived(self) -> bool:
        """Whether the account was archived."""
        return self.archived_at is not None


class IntegrationSettings(db.Model):
    """An account's integration config; `*_model_id` keys override the global slots."""

    __tablename__ = "igny8_integration_settings"
    # One expression index per override key: "which accounts use these models" (migration 0010).
    __table_args__ = tuple(
        Index(f"ix_igny8_integration_settings_{slot.config_key}",
              json_key_text(text("config"), slot.config_key))
        for slot in SLOTS.values()
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("igny8_accounts.id", ondelete="CASCADE"), unique=True
    )
    config: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Optimistic locking: every UPDATE checks and bumps it (see services/locking.py).
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}

    account: Mapped[Account] = relationship(back_populates="integration_settings")

    def __repr__(self) -> str:
        return f"<IntegrationSettings account={self.account_id}>"
