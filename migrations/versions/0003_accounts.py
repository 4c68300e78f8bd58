"""Create igny8_accounts.

Revision ID: 0003_accounts
Revises: 0002_legacy_global_settings
Create Date: 2025-12-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_accounts"
down_revision = "0002_legacy_global_settings"
branch_labels = None
depends_on = None

TABLE = "igny8_accounts"
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    """Create the accounts table."""
    op.create_table(
        TABLE,
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )


def downgrade():
    """Drop the accounts table."""
    op.drop_table(TABLE)
