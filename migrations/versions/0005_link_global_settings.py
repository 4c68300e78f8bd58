"""Link the global settings to AIModelConfig (link_global_settings_to_aimodelconfig).

Revision ID: 0005_link_global_settings
Revises: 0004_legacy_integration_settings
Create Date: 2025-12-23

The five steps of the design note: add `*_new` FK columns, rename the strings to `*_old`,
map the strings to catalogue ids, drop `*_old`, rename `*_new` to `*_model_id`.
Names nothing matches get an inactive catalogue row (see igny8/legacy_models.py).
"""
import sqlalchemy as sa
from alembic import op
from igny8.legacy_models import (
    LEGACY_SLOTS, BigIntId, model_names_by_id, require_online, resolve_names,
)

revision = "0005_link_global_settings"
down_revision = "0004_legacy_integration_settings"
branch_labels = None
depends_on = None

TABLE = "igny8_global_integration_settings"
CATALOGUE = "igny8_ai_model_config"
LEGACY_DEFAULTS = {
    "openai_model": "gpt-4o-mini",
    "dalle_model": "dall-e-3",
    "runware_model": "runware:97@1",
}


def _fk_name(column: str) -> str:
    """The FK name the naming convention gives the model's final column."""
    return op.f(f"fk_{TABLE}_{column}_{CATALOGUE}")


def _map_strings_to_ids() -> None:
    """Step 3: set every `*_new` from its `*_old` string, per distinct value."""
    conn = op.get_bind()
    for slot in LEGACY_SLOTS:
        old = sa.column(f"{slot.name}_old", sa.String)
        new = sa.column(f"{slot.name}_new", BigIntId)
        table = sa.table(TABLE, old, new)
        # A blank string names no model: the slot stays unset and falls back to the default.
        values = {value for value in conn.scalars(sa.select(old).distinct()) if value.strip()}
        if not values:
            continue
        mapping = resolve_names(conn, slot, values, "0005 (global settings)")
        conn.execute(
            table.update().where(old == sa.bindparam("legacy")).values({new: sa.bindparam("id")}),
            [{"legacy": name, "id": model_id} for name, model_id in mapping.items()],
        )


def upgrade():
    """Replace the three model-name strings with foreign keys to the catalogue."""
    require_online(revision)
    with op.batch_alter_table(TABLE) as batch:
        for slot in LEGACY_SLOTS:
            batch.add_column(sa.Column(f"{slot.name}_new", BigIntId, nullable=True))
            batch.create_foreign_key(
                _fk_name(slot.id_key), CATALOGUE, [f"{slot.name}_new"], ["id"],
                ondelete="RESTRICT",
            )
    with op.batch_alter_table(TABLE) as batch:
        for slot in LEGACY_SLOTS:
            batch.alter_column(slot.name, new_column_name=f"{slot.name}_old")
    _map_strings_to_ids()
    with op.batch_alter_table(TABLE) as batch:
        for slot in LEGACY_SLOTS:
            batch.drop_column(f"{slot.name}_old")
    with op.batch_alter_table(TABLE) as batch:
        for slot in LEGACY_SLOTS:
            batch.alter_column(f"{slot.name}_new", new_column_name=slot.id_key)
    for slot in LEGACY_SLOTS:
        op.create_index(op.f(f"ix_{TABLE}_{slot.id_key}"), TABLE, [slot.id_key])


def _map_ids_to_strings() -> None:
    """Write each id's model_name back into the string column; unset ids keep the default."""
    conn = op.get_bind()
    names = model_names_by_id(conn)
    for slot in LEGACY_SLOTS:
        ids = sa.column(slot.id_key, BigIntId)
        string = sa.column(slot.name, sa.String)
        table = sa.table(TABLE, ids, string)
        used = [model_id for model_id in conn.scalars(sa.select(ids).distinct()) if model_id]
        if used:
            conn.execute(
                table.update().where(ids == sa.bindparam("model_id")).values(
                    {string: sa.bindparam("name")}
                ),
                [{"model_id": model_id, "name": names[model_id]} for model_id in used],
            )


def downgrade():
    """Back to the legacy strings; the catalogue rows (also those made here) stay."""
    require_online(revision)
    with op.batch_alter_table(TABLE) as batch:
        for slot in LEGACY_SLOTS:
            batch.add_column(
                sa.Column(
                    slot.name, sa.String(100), nullable=False,
                    server_default=LEGACY_DEFAULTS[slot.name],
                )
            )
    _map_ids_to_strings()
    for slot in LEGACY_SLOTS:
        op.drop_index(op.f(f"ix_{TABLE}_{slot.id_key}"), table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        for slot in LEGACY_SLOTS:
            batch.drop_constraint(_fk_name(slot.id_key), type_="foreignkey")
            batch.drop_column(slot.id_key)
