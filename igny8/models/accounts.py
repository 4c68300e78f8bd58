"""Accounts and their IntegrationSettings (per-account overrides in a JSON config)."""
from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from igny8.extensions import db
from igny8.models.base import BigIntId, JsonDocument, TimestampMixin, utcnow
from igny8.models.json_keys import json_key_text
from igny8.models.slots import SLOTS


MAX_NAME_LENGTH = 200


def account_name_key(name: str | None) -> str:
    """The key two account names clash on: NFKC, case-folded (Unicode's NFKC_Casefold idea)."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def account_search_key(text: str | None) -> str:
    """What the accounts list searches: the clash key without accents ("Société" → "societe")."""
    decomposed = unicodedata.normalize("NFKD", account_name_key(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFKC", bare)


def _name_key_default(context) -> str:
    """The key of the name an INSERT sends (a column default evaluated per row)."""
    return account_name_key(context.get_current_parameters().get("name"))


def _search_key_default(context) -> str:
    """The search key of the name an INSERT sends (a column default evaluated per row)."""
    return account_search_key(context.get_current_parameters().get("name"))


class Account(TimestampMixin, db.Model):
    """A customer account of the content platform."""

    __tablename__ = "igny8_accounts"
    # Two accounts never share a name, whatever the case or Unicode spelling (docs/invariants.md).
    __table_args__ = (Index("uq_igny8_accounts_name_key", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    # Kept in step with `name`: by the validator below when the ORM sets a name, by the default
    # on SQLAlchemy inserts that leave it out (bulk inserts); raw SQL must send it.
    name_key: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH * 3), default=_name_key_default)
    # The same, accents stripped, for the list's search; NULL only on rows raw SQL inserted or
    # renamed, which the list still finds by their name.
    search_key: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH * 3),
                                                   default=_search_key_default)
    # Archived accounts leave the pickers and refuse new usage; their history stays.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Optimistic locking: every UPDATE checks and bumps it (see services/locking.py).
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}

    integration_settings: Mapped[IntegrationSettings | None] = relationship(
        back_populates="account", uselist=False, cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.name!r}>"

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        """Set the clash and search keys whenever the name is set."""
        self.name_key = account_name_key(name)
        self.search_key = account_search_key(name)
        return name

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
