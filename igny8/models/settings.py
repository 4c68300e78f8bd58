"""GlobalIntegrationSettings: the platform's default model per slot (one row, id 1)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from igny8.extensions import db
from igny8.models.base import BigIntId, utcnow
from igny8.models.catalogue import AIModelConfig

GLOBAL_SETTINGS_ID = 1


def _model_fk() -> ForeignKey:
    return ForeignKey("igny8_ai_model_config.id", ondelete="RESTRICT")


class GlobalIntegrationSettings(db.Model):
    """Platform-wide model choices; each slot points at an AIModelConfig row."""

    __tablename__ = "igny8_global_integration_settings"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    openai_model_id: Mapped[int | None] = mapped_column(BigIntId, _model_fk(), index=True)
    dalle_model_id: Mapped[int | None] = mapped_column(BigIntId, _model_fk(), index=True)
    runware_model_id: Mapped[int | None] = mapped_column(BigIntId, _model_fk(), index=True)
    text_model_id: Mapped[int | None] = mapped_column(BigIntId, _model_fk(), index=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Optimistic locking: every UPDATE checks and bumps it (see services/locking.py).
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}

    # One way only: nothing asks a model for the settings rows that point at it (usage.py
    # queries them), so AIModelConfig needs no reverse collections and no import of this module.
    openai_model: Mapped[AIModelConfig | None] = relationship(foreign_keys=[openai_model_id])
    dalle_model: Mapped[AIModelConfig | None] = relationship(foreign_keys=[dalle_model_id])
    runware_model: Mapped[AIModelConfig | None] = relationship(foreign_keys=[runware_model_id])
    text_model: Mapped[AIModelConfig | None] = relationship(foreign_keys=[text_model_id])

    def __repr__(self) -> str:
        return f"<GlobalIntegrationSettings {self.id}>"
