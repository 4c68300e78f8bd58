"""Users, failed sign-ins, the audit log and optimistic-locking versions.

Revision ID: 0008_users_audit_versions
Revises: 0007_global_text_model
Create Date: 2026-11-25

Existing catalogue and settings rows start at version 1; every UPDATE through the app bumps it.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008_users_audit_versions"
down_revision = "0007_global_text_model"
branch_labels = None
depends_on = None

USERS = "igny8_users"
ATTEMPTS = "igny8_login_attempts"
AUDIT = "igny8_audit_log"
VERSIONED = ("igny8_ai_model_config", "igny8_global_integration_settings",
             "igny8_integration_settings")
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JsonDocument = sa.JSON().with_variant(JSONB(), "postgresql")


def create_users():
    """The back-office users table."""
    op.create_table(
        USERS,
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'support')", name=op.f(f"ck_{USERS}_role_known")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{USERS}")),
        sa.UniqueConstraint("email", name=op.f(f"uq_{USERS}_email")),
    )


def create_login_attempts():
    """Failed sign-ins, counted per email and address for throttling."""
    op.create_table(
        ATTEMPTS,
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{ATTEMPTS}")),
    )
    op.create_index("ix_igny8_login_attempts_email_ip_at", ATTEMPTS, ["email", "ip", "created_at"])


def create_audit_log():
    """Who changed what and when, with field-level changes."""
    op.create_table(
        AUDIT,
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", BigIntId, nullable=True),
        sa.Column("actor_label", sa.String(254), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("object_repr", sa.String(300), nullable=False),
        sa.Column("changes", JsonDocument, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], [f"{USERS}.id"], name=op.f(f"fk_{AUDIT}_actor_id_{USERS}"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{AUDIT}")),
    )
    op.create_index(op.f(f"ix_{AUDIT}_actor_id"), AUDIT, ["actor_id"])
    op.create_index(op.f(f"ix_{AUDIT}_action"), AUDIT, ["action"])
    op.create_index("ix_igny8_audit_log_object", AUDIT, ["object_type", "object_id"])
    op.create_index("ix_igny8_audit_log_created_at", AUDIT, ["created_at"])


def upgrade():
    """Create users, login attempts and the audit log; add `version` (1) to the edited tables."""
    create_users()
    create_login_attempts()
    create_audit_log()
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
            )


def downgrade():
    """Drop the version columns, the audit log, login attempts and users."""
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
    op.drop_table(AUDIT)
    op.drop_table(ATTEMPTS)
    op.drop_table(USERS)
