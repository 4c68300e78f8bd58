"""Create igny8_global_integration_settings in its legacy form: model names as strings.

Revision ID: 0002_legacy_global_settings
Revises: 0001_ai_model_config
Create Date: 2025-12-23

The row itself is not inserted here: `flask catalogue seed` creates it, so a fresh
database gets the catalogue's seed ids 1..7 before anything points at them.
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_legacy_global_settings"
down_revision = "0001_ai_model_config"
branch_labels = None
depends_on = None

TABLE = "igny8_global_integration_settings"
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    """Create the legacy global settings table (CharField choices of the old schema)."""
    op.create_table(
        TABLE,
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("openai_model", sa.String(100), nullable=False, server_default="gpt-4o-mini"),
        sa.Column("dalle_model", sa.String(100), nullable=False, server_default="dall-e-3"),
        sa.Column("runware_model", sa.String(100), nullable=False, server_default="runware:97@1"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )


def downgrade():
    """Drop the global settings table."""
    op.drop_table(TABLE)
