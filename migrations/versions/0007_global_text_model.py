"""Add a provider-independent text model to the global settings (Anthropic support).

Revision ID: 0007_global_text_model
Revises: 0006_account_model_overrides
Create Date: 2025-12-23

`text_model_id` may point at any provider's text model (e.g. Claude); it starts as the
current OpenAI text model so nothing changes until an admin picks another one.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_global_text_model"
down_revision = "0006_account_model_overrides"
branch_labels = None
depends_on = None

TABLE = "igny8_global_integration_settings"
CATALOGUE = "igny8_ai_model_config"
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    """Add text_model_id (FK, ON DELETE RESTRICT), initialised from openai_model_id."""
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("text_model_id", BigIntId, nullable=True))
        batch.create_foreign_key(
            op.f(f"fk_{TABLE}_text_model_id_{CATALOGUE}"), CATALOGUE, ["text_model_id"], ["id"],
            ondelete="RESTRICT",
        )
    op.create_index(op.f(f"ix_{TABLE}_text_model_id"), TABLE, ["text_model_id"])
    settings = sa.table(TABLE, sa.column("text_model_id"), sa.column("openai_model_id"))
    op.execute(settings.update().values(text_model_id=settings.c.openai_model_id))


def downgrade():
    """Drop text_model_id."""
    op.drop_index(op.f(f"ix_{TABLE}_text_model_id"), table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(op.f(f"fk_{TABLE}_text_model_id_{CATALOGUE}"), type_="foreignkey")
        batch.drop_column("text_model_id")
