"""Catalogue ids are never reused on SQLite (AUTOINCREMENT).

Revision ID: 0012_invariants_catalogue_ids
Revises: 0011_caching_generation
Create Date: 2026-12-01

Account overrides name a model by its id inside a JSON config, which no foreign key can guard.
Without AUTOINCREMENT SQLite hands the highest id out again after that row is deleted, so a
stale override would silently point at an unrelated new model. AUTOINCREMENT keeps the highest
id ever used in sqlite_sequence; the table is rebuilt with every row and id kept. PostgreSQL's
BIGSERIAL sequences never reuse ids: nothing to do there.

Dropping the old table drops its cache generation triggers (0011); they are created again on the
rebuilt table from igny8/cache_generation.py, as 0011 created them.
"""
import sqlalchemy as sa
from alembic import op

from igny8 import cache_generation

revision = "0012_invariants_catalogue_ids"
down_revision = "0011_caching_generation"
branch_labels = None
depends_on = None

TABLE = "igny8_ai_model_config"


def rebuild(autoincrement: bool) -> None:
    """Rebuild the SQLite table with or without AUTOINCREMENT, rows and ids kept.

    Other tables refer to this one; SQLite would refuse to drop it while foreign keys are
    enforced, and PRAGMA foreign_keys cannot change inside a transaction, so the check is
    deferred to the commit, when the rebuilt table holds every id again.
    """
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("PRAGMA defer_foreign_keys = ON")
    with op.batch_alter_table(TABLE, recreate="always",
                              table_kwargs={"sqlite_autoincrement": autoincrement}) as batch:
        batch.alter_column("id", existing_type=sa.Integer(), autoincrement=True)
    cache_generation.install(op.get_bind(), [TABLE])


def upgrade():
    """AUTOINCREMENT on the catalogue's id (SQLite)."""
    rebuild(autoincrement=True)


def downgrade():
    """Back to plain INTEGER PRIMARY KEY (SQLite)."""
    rebuild(autoincrement=False)
