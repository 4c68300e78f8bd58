"""Account names unique whatever their case or Unicode spelling; a lock version on accounts.

Revision ID: 0016_account_names
Revises: 0015_prices_usage
Create Date: 2026-12-02

`name_key` holds the name NFKC-normalised and case-folded, with a unique index: two accounts
can no longer be called "Acme" and "ACME" (docs/invariants.md). Existing names are stored
trimmed and NFKC-normalised; a blank one becomes "Account #<id>", and a name clashing with an
earlier account's gets " (#<id>)" appended, so the index can be built. `version` is the
optimistic lock column the rename and archive checks. SQLite rebuilds the table to make the
key NOT NULL, which loses its cache triggers: they are created again after it. The downgrade
drops both columns (names changed on upgrade keep their new spelling).
"""
import unicodedata

import sqlalchemy as sa
from alembic import op

from igny8 import cache_generation

revision = "0016_account_names"
down_revision = "0015_prices_usage"
branch_labels = None
depends_on = None

TABLE = "igny8_accounts"
INDEX = "uq_igny8_accounts_name_key"
MAX_NAME = 200
CHUNK = 10_000


def name_key(name: str) -> str:
    """The clash key, as igny8.models.accounts.account_name_key computes it at this revision."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def clean_name(account_id: int, name: str) -> str:
    """The stored spelling: NFKC, inner spaces collapsed; a blank name gets one from its id."""
    cleaned = " ".join(unicodedata.normalize("NFKC", name or "").split())
    return cleaned[:MAX_NAME] or f"Account #{account_id}"


def _backfill_keys() -> None:
    """Clean every name, make clashing ones unique with their id, and store the keys (one
    executemany per chunk of rows: a million accounts take seconds, not a statement each)."""
    bind = op.get_bind()
    accounts = sa.table(TABLE, sa.column("id"), sa.column("name"), sa.column("name_key"))
    rows = bind.execute(sa.select(accounts.c.id, accounts.c.name).order_by(accounts.c.id)).all()
    update = (accounts.update().where(accounts.c.id == sa.bindparam("row_id"))
              .values(name=sa.bindparam("new_name"), name_key=sa.bindparam("key")))
    seen, values = set(), []
    for account_id, name in rows:
        new_name = clean_name(account_id, name)
        if name_key(new_name) in seen:
            suffix = f" (#{account_id})"
            new_name = new_name[:MAX_NAME - len(suffix)] + suffix
        seen.add(name_key(new_name))
        values.append({"row_id": account_id, "new_name": new_name, "key": name_key(new_name)})
    for start in range(0, len(values), CHUNK):
        bind.execute(update, values[start:start + CHUNK])


def upgrade():
    """Add name_key (filled, unique) and version."""
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("name_key", sa.String(MAX_NAME * 3), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default=sa.text("1"),
                                   nullable=False))
    _backfill_keys()
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("name_key", existing_type=sa.String(MAX_NAME * 3), nullable=False)
        batch.create_index(INDEX, ["name_key"], unique=True)
    _reinstall_cache_triggers()


def downgrade():
    """Drop them."""
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index(INDEX)
        batch.drop_column("version")
        batch.drop_column("name_key")
    _reinstall_cache_triggers()


def _reinstall_cache_triggers():
    """SQLite's batch mode copies the table, and its cache triggers (0011) stay with the old one."""
    cache_generation.install(op.get_bind(), (TABLE,))
