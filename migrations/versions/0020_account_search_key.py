"""A stored search key on accounts: the name case-folded and without accents.

Revision ID: 0020_account_search_key
Revises: 0019_usage_version_key
Create Date: 2026-12-02

The accounts list finds "Société" when "Societe" is typed, on SQLite and PostgreSQL alike and
without a database extension (PostgreSQL's unaccent may be missing): `search_key` holds the
name NFKC-normalised, case-folded and stripped of combining marks, set by the model whenever a
name is set. Existing rows are filled here, a chunk of rows per statement. The column stays
nullable: a row inserted by hand without it is still found by its name. SQLite's batch mode
copies the table on the downgrade, so the cache triggers are created again after it. The
downgrade drops the column.
"""
import unicodedata

import sqlalchemy as sa
from alembic import op

from igny8 import cache_generation

revision = "0020_account_search_key"
down_revision = "0019_usage_version_key"
branch_labels = None
depends_on = None

TABLE = "igny8_accounts"
MAX_NAME = 200
CHUNK = 10_000


def search_key(name: str) -> str:
    """The key, as igny8.models.accounts.account_search_key computes it at this revision."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    folded = " ".join(unicodedata.normalize("NFKC", folded).split())
    bare = "".join(char for char in unicodedata.normalize("NFKD", folded)
                   if not unicodedata.combining(char))
    return unicodedata.normalize("NFKC", bare)


def _backfill() -> None:
    """Store every account's key (one executemany per chunk of rows)."""
    bind = op.get_bind()
    accounts = sa.table(TABLE, sa.column("id"), sa.column("name"), sa.column("search_key"))
    update = (accounts.update().where(accounts.c.id == sa.bindparam("row_id"))
              .values(search_key=sa.bindparam("key")))
    rows = bind.execute(sa.select(accounts.c.id, accounts.c.name).order_by(accounts.c.id))
    values = [{"row_id": account_id, "key": search_key(name)} for account_id, name in rows]
    for start in range(0, len(values), CHUNK):
        bind.execute(update, values[start:start + CHUNK])


def upgrade():
    """Add search_key and fill it."""
    op.add_column(TABLE, sa.Column("search_key", sa.String(MAX_NAME * 3), nullable=True))
    _backfill()


def downgrade():
    """Drop search_key."""
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("search_key")
    cache_generation.install(op.get_bind(), (TABLE,))
