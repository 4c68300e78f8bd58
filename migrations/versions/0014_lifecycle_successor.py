"""The successor of a catalogue model: the model to move to when it retires.

Revision ID: 0014_lifecycle_successor
Revises: 0013_sessions_session_token
Create Date: 2026-12-01

A nullable self-reference next to `deprecation_date`; deleting the successor clears it
(ON DELETE SET NULL). SQLite cannot add a foreign key to a table in place, so the column
is added in a batch (table copy) there, which loses the table's cache triggers: they are
created again after it.
"""
import sqlalchemy as sa
from alembic import op

from igny8 import cache_generation

revision = "0014_lifecycle_successor"
down_revision = "0013_sessions_session_token"
branch_labels = None
depends_on = None

TABLE = "igny8_ai_model_config"
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    """Add successor_id with its foreign key and index."""
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("successor_id", ID, nullable=True))
        batch.create_foreign_key(f"fk_{TABLE}_successor_id_{TABLE}", TABLE,
                                 ["successor_id"], ["id"], ondelete="SET NULL")
        batch.create_index(f"ix_{TABLE}_successor_id", ["successor_id"])
    _reinstall_cache_triggers()


def downgrade():
    """Drop them."""
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index(f"ix_{TABLE}_successor_id")
        batch.drop_constraint(f"fk_{TABLE}_successor_id_{TABLE}", type_="foreignkey")
        batch.drop_column("successor_id")
    _reinstall_cache_triggers()


def _reinstall_cache_triggers():
    """SQLite's batch mode copies the table, and its cache triggers (0011) stay with the old one."""
    cache_generation.install(op.get_bind(), (TABLE,))
