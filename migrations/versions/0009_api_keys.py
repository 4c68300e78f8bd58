"""API keys of the JSON API (only the SHA-256 hash of each key is stored).

Revision ID: 0009_api_keys
Revises: 0008_users_audit_versions
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_api_keys"
down_revision = "0008_users_audit_versions"
branch_labels = None
depends_on = None

KEYS = "igny8_api_keys"
USERS = "igny8_users"
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    """Create the API keys table."""
    op.create_table(
        KEYS,
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", BigIntId, nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("scope IN ('read', 'write')", name=op.f(f"ck_{KEYS}_scope_known")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], [f"{USERS}.id"], name=op.f(f"fk_{KEYS}_created_by_id_{USERS}"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{KEYS}")),
        sa.UniqueConstraint("name", name=op.f(f"uq_{KEYS}_name")),
        sa.UniqueConstraint("key_hash", name=op.f(f"uq_{KEYS}_key_hash")),
    )


def downgrade():
    """Drop the API keys table (every issued key stops working)."""
    op.drop_table(KEYS)
