"""Create igny8_integration_settings: one JSON config per account.

Revision ID: 0004_legacy_integration_settings
Revises: 0003_accounts
Create Date: 2025-12-23

In the legacy schema an account overrides the global models with strings in `config`
(`{"openai_model": "gpt-4o", "dalle_model": ..., "runware_model": ..., "api_key": ...}`);
revision 0006 turns them into `*_model_id` catalogue ids.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_legacy_integration_settings"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None

TABLE = "igny8_integration_settings"
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JsonDocument = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade():
    """Create the integration settings table, unique per account."""
    op.create_table(
        TABLE,
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("account_id", BigIntId, nullable=False),
        sa.Column("config", JsonDocument, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("account_id", name=op.f(f"uq_{TABLE}_account_id")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["igny8_accounts.id"],
            name=op.f(f"fk_{TABLE}_account_id_igny8_accounts"),
            ondelete="CASCADE",
        ),
    )


def downgrade():
    """Drop the integration settings table."""
    op.drop_table(TABLE)
