"""AuditEntry: who changed what, when, with field-level before and after values."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from igny8.extensions import db
from igny8.models.base import BigIntId, JsonDocument, utcnow
from igny8.models.users import User


class AuditEntry(db.Model):
    """One recorded action on one object; `changes` maps field -> [before, after]."""

    __tablename__ = "igny8_audit_log"
    __table_args__ = (
        Index("ix_igny8_audit_log_object", "object_type", "object_id"),
        Index("ix_igny8_audit_log_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("igny8_users.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    object_repr: Mapped[str] = mapped_column(String(300), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.object_type}:{self.object_id}>"
