"""Model names unique per provider whatever their case or surrounding space.

Revision ID: 0018_model_name_key
Revises: 0017_usage_model_input
Create Date: 2026-12-02

`model_name_key` holds the model name stripped and case-folded, with a unique index on
(provider, model_name_key): "GPT-4o" and " gpt-4o " can no longer be two models of one
provider, whichever writer races (docs/invariants.md). Model names are the identifiers API
clients, legacy settings and imports use, so existing clashes are not renamed: the upgrade
lists them (ids and names) and stops before changing anything; rename or delete one of each
pair and run it again. SQLite rebuilds the table to make the key NOT NULL, which loses its
cache triggers: they are created again after it. The downgrade drops the column and index.
"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from igny8 import cache_generation

revision = "0018_model_name_key"
down_revision = "0017_usage_model_input"
branch_labels = None
depends_on = None

TABLE = "igny8_ai_model_config"
INDEX = "uq_igny8_ai_model_config_provider_name_key"
KEY_LENGTH = 300
CHUNK = 10_000


def name_key(name: str) -> str:
    """The clash key, as igny8.models.catalogue.model_name_key computes it at this revision."""
    return (name or "").strip().casefold()


def _rows() -> list[tuple]:
    """(id, provider, model_name) of every model, by id."""
    models = sa.table(TABLE, sa.column("id"), sa.column("provider"), sa.column("model_name"))
    query = sa.select(models.c.id, models.c.provider, models.c.model_name).order_by(models.c.id)
    return op.get_bind().execute(query).all()


def clashes(rows: list[tuple]) -> list[str]:
    """One line per (provider, key) held by more than one model: `openai: #3 'GPT-4o', …`."""
    groups = defaultdict(list)
    for model_id, provider, model_name in rows:
        groups[(provider, name_key(model_name))].append(f"#{model_id} {model_name!r}")
    return [f"{provider}: {', '.join(names)}"
            for (provider, _key), names in groups.items() if len(names) > 1]


def _refuse_clashes(rows: list[tuple]) -> None:
    """Stop, changing nothing, when two models of a provider differ only in case or space."""
    found = clashes(rows)
    if found:
        raise RuntimeError(
            "0018_model_name_key: these models of one provider have names that differ only in"
            " case or surrounding space, and model names must be unique ignoring both:\n  "
            + "\n  ".join(found)
            + "\nRename or delete all but one of each (the catalogue screen or"
            " `PATCH /api/v1/models/<id>`), then run the upgrade again. Nothing was changed.")


def _backfill(rows: list[tuple]) -> None:
    """Store every model's key (one executemany per chunk of rows)."""
    models = sa.table(TABLE, sa.column("id"), sa.column("model_name_key"))
    update = (models.update().where(models.c.id == sa.bindparam("row_id"))
              .values(model_name_key=sa.bindparam("key")))
    values = [{"row_id": model_id, "key": name_key(name)} for model_id, _p, name in rows]
    for start in range(0, len(values), CHUNK):
        op.get_bind().execute(update, values[start:start + CHUNK])


def upgrade():
    """Refuse existing clashes; add model_name_key (filled, NOT NULL) and its unique index."""
    rows = _rows()
    _refuse_clashes(rows)
    op.add_column(TABLE, sa.Column("model_name_key", sa.String(KEY_LENGTH), nullable=True))
    _backfill(rows)
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("model_name_key", existing_type=sa.String(KEY_LENGTH),
                           nullable=False)
        batch.create_index(INDEX, ["provider", "model_name_key"], unique=True)
    _reinstall_cache_triggers()


def downgrade():
    """Drop them."""
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index(INDEX)
        batch.drop_column("model_name_key")
    _reinstall_cache_triggers()


def _reinstall_cache_triggers():
    """SQLite's batch mode copies the table, and its cache triggers (0011) stay with the old one."""
    cache_generation.install(op.get_bind(), (TABLE,))
