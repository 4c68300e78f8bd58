"""AIModelConfig: the single source of truth for every AI model."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from igny8 import lifecycle
from igny8.extensions import db
from igny8.models.base import BigIntId, JsonDocument, TimestampMixin
from igny8.pricing import PRICE_FIELDS, dropdown_label, missing_prices, price_summary

# Adding a provider is one entry here; the database does not restrict the column.
PROVIDERS = {"openai": "OpenAI", "anthropic": "Anthropic", "runware": "Runware"}
MODEL_TYPES = {"text": "Text", "image": "Image"}
ORIGINS = ("seed", "manual", "api", "migration", "import")
Price = Numeric(14, 6)
MAX_MODEL_NAME = 100


def model_name_key(name: Any) -> str:
    """The key two names clash on: "GPT-4o" and " gpt-4o " are the same name."""
    return name.strip().casefold() if isinstance(name, str) else ""


def _name_key_default(context) -> str:
    """The key of the model name an INSERT sends (a column default evaluated per row)."""
    return model_name_key(context.get_current_parameters().get("model_name"))


def _nonnegative(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_nonnegative")


class AIModelConfig(TimestampMixin, db.Model):
    """One AI model a provider offers, with its pricing and limits."""

    __tablename__ = "igny8_ai_model_config"
    __table_args__ = (
        UniqueConstraint("provider", "model_name", name="uq_igny8_ai_model_config_provider_model"),
        # Names differing only in case or surrounding space are one name (docs/invariants.md).
        Index("uq_igny8_ai_model_config_provider_name_key", "provider", "model_name_key",
              unique=True),
        CheckConstraint("model_type IN ('text', 'image')", name="model_type_known"),
        *(_nonnegative(column) for column in PRICE_FIELDS),
        CheckConstraint("context_window IS NULL OR context_window > 0", name="context_positive"),
        CheckConstraint(
            "max_output_tokens IS NULL OR max_output_tokens > 0", name="max_output_positive"
        ),
        CheckConstraint(
            "NOT is_active"
            " OR (model_type = 'text' AND input_price_per_1m IS NOT NULL"
            " AND output_price_per_1m IS NOT NULL)"
            " OR (model_type = 'image' AND price_per_image IS NOT NULL)",
            name="active_needs_pricing",
        ),
        # SQLite: never hand out a deleted model's id again (account overrides hold ids, 0012).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    provider: Mapped[str] = mapped_column(String(32), index=True)
    model_type: Mapped[str] = mapped_column(String(16), index=True)
    model_name: Mapped[str] = mapped_column(String(MAX_MODEL_NAME))
    # Kept in step with `model_name`: by the validator below when the ORM sets a name, by the
    # default on SQLAlchemy inserts that leave it out; raw SQL must send it.
    model_name_key: Mapped[str] = mapped_column(String(MAX_MODEL_NAME * 3),
                                                default=_name_key_default)
    display_name: Mapped[str] = mapped_column(String(150))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    input_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    cached_input_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    output_price_per_1m: Mapped[Decimal | None] = mapped_column(Price)
    price_per_image: Mapped[Decimal | None] = mapped_column(Price)
    context_window: Mapped[int | None]
    max_output_tokens: Mapped[int | None]
    aliases: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    deprecation_date: Mapped[date | None] = mapped_column(Date)
    # The model to move to when this one retires (same type; catalogue_rules checks it).
    successor_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("igny8_ai_model_config.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(16), default="manual")
    price_source: Mapped[str] = mapped_column(String(200), default="")
    price_checked_on: Mapped[date | None] = mapped_column(Date)
    # Optimistic locking: every UPDATE checks and bumps it (see services/locking.py).
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}

    @validates("model_name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        """Set the clash key whenever the model name is set."""
        self.model_name_key = model_name_key(name)
        return name

    def __repr__(self) -> str:
        return f"<AIModelConfig {self.id} {self.provider}/{self.model_name}>"

    @property
    def has_complete_pricing(self) -> bool:
        """Whether every price its type requires is set."""
        return not missing_prices(self)

    @property
    def price_text(self) -> str:
        """Pricing in words: per 1M tokens for text, per image for images."""
        return price_summary(self)

    @property
    def plain_label(self) -> str:
        """`GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens`: how history names it."""
        return dropdown_label(self)

    @property
    def label(self) -> str:
        """Dropdown text with the lifecycle badge:
        `GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens · retires 2027-01-14`."""
        return lifecycle.with_badge(dropdown_label(self), self)

    @property
    def state(self) -> str:
        """active, retiring, retired or inactive (igny8/lifecycle.py)."""
        return lifecycle.state_of(self)

    @property
    def provider_label(self) -> str:
        """Human name of the provider."""
        return PROVIDERS.get(self.provider, self.provider)

    def known_names(self) -> set[str]:
        """The model name and every alias, for matching legacy identifiers."""
        return {self.model_name, *(self.aliases or [])}
