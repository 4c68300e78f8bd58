"""An index on usage records by model and input tokens, for projections onto a tiered price.

Revision ID: 0017_usage_model_input
Revises: 0016_account_names
Create Date: 2026-12-02

A projection onto a target with a long-context tier reads the records whose input tokens exceed
the threshold (services/projection_tally.py). By (model_id, occurred_at) alone that means
visiting every record of the source model in the period; (model_id, input_tokens) finds the
few long requests directly. The downgrade drops the index.
"""
from alembic import op

revision = "0017_usage_model_input"
down_revision = "0016_account_names"
branch_labels = None
depends_on = None

INDEX = "ix_igny8_usage_records_model_input"


def upgrade() -> None:
    """Add the index."""
    op.create_index(INDEX, "igny8_usage_records", ["model_id", "input_tokens"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index(INDEX, table_name="igny8_usage_records")
