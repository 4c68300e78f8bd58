"""The cache generation row and the triggers that bump it on every write to the cached tables.

Revision ID: 0011_caching_generation
Revises: 0010_override_key_indexes
Create Date: 2026-12-01

igny8/caching.py keys every cached page on one row's `generation`; a trigger on the models, the
global settings, the accounts and their integration settings bumps it in the writing
transaction (statement-level on PostgreSQL, row-level on SQLite, which has no other kind), so a
hand-run SQL statement invalidates the cache too. The trigger SQL is igny8/cache_generation.py's,
shared with `db.create_all()`.
"""
import sqlalchemy as sa
from alembic import op

from igny8 import cache_generation

revision = "0011_caching_generation"
down_revision = "0010_override_key_indexes"
branch_labels = None
depends_on = None


def upgrade():
    """The table, its row and the triggers."""
    op.create_table(
        cache_generation.TABLE,
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{cache_generation.TABLE}")),
    )
    cache_generation.install(op.get_bind(), cache_generation.TABLES_0011)


def downgrade():
    """Drop the triggers, the function and the table."""
    for statement in cache_generation.drop_sql(op.get_bind().dialect.name,
                                               cache_generation.TABLES_0011):
        op.execute(statement)
    op.drop_table(cache_generation.TABLE)
