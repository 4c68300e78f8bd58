"""ApiKey: a bearer key for the JSON API; only its SHA-256 hash is stored."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from igny8.extensions import db
from igny8.models.base import BigIntId, utcnow
from igny8.models.users import User

SCOPES = {"read": "Read only", "write": "Read and write"}


class ApiKey(db.Model):
    """A named API key with a scope; revoked keys stay for the record."""

    __tablename__ = "igny8_api_keys"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write')", name="scope_known"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(8), default="read")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("igny8_users.id", ondelete="SET NULL"), nullable=True
    )
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.name!r} {self.scope}>"

    @property
    def is_revoked(self) -> bool:
        """Whether the key was revoked and no longer authenticates."""
        return self.revoked_at is not None

    @property
    def can_write(self) -> bool:
        """Whether the key may change data."""
        return self.scope == "write"

    @property
    def actor_label(self) -> str:
        """How writes made with this key appear in the audit history."""
        return f"api-key:{self.name}"
