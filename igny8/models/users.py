"""Admin users who sign in to the back office, and the failed sign-ins used for throttling."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column, validates
from werkzeug.security import check_password_hash, generate_password_hash

from igny8.extensions import db
from igny8.models.base import BigIntId, utcnow


ADMIN = "admin"
SUPPORT = "support"
ROLES = (ADMIN, SUPPORT)


def new_session_token() -> str:
    """A fresh random token; changing it ends every session signed with the old one."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A back-office user; `role` decides which screens and actions are open."""

    __tablename__ = "igny8_users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'support')", name="role_known"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the id Flask-Login keeps in the cookie (get_id): a new one refuses old cookies.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    @validates("email")
    def _lower_email(self, key: str, value: str) -> str:
        """Emails are stored lower-case so sign-in is case-insensitive."""
        return value.strip().lower()

    def get_id(self) -> str:
        """"<id>:<session token>": the cookie names the user and the token it was made with."""
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        """Sign the user out everywhere: cookies holding the old token no longer load the user."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """Store a salted hash of `password` (the service checks the policy, rotates the token)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        """Admins may change everything."""
        return self.role == "admin"

    @property
    def is_support(self) -> bool:
        """Support staff read most screens and run few actions."""
        return self.role == "support"


class LoginAttempt(db.Model):
    """A failed sign-in, kept in the database so throttling holds across workers."""

    __tablename__ = "igny8_login_attempts"
    __table_args__ = (Index("ix_igny8_login_attempts_email_ip_at", "email", "ip", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.email} {self.ip} {self.created_at}>"
