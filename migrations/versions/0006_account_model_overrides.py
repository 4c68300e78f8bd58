"""Turn the accounts' legacy model-name overrides into catalogue ids.

Revision ID: 0006_account_model_overrides
Revises: 0005_link_global_settings
Create Date: 2025-12-23

`config["openai_model"] = "gpt-4o"` becomes `config["openai_model_id"] = <id>` (same for
dalle_model and runware_model); every other key stays as it is. Distinct names are matched
once (igny8/legacy_models.py, shared with 0005); unknown names get one inactive catalogue row
each.
PostgreSQL converts set-based (jsonb operators, UPDATE ... FROM a temp mapping table) in
id-range batches; SQLite converts in Python batches.
"""
import sqlalchemy as sa
from alembic import op
from igny8.legacy_models import (
    LEGACY_SLOTS, BigIntId, JsonDocument, model_names_by_id, require_online, resolve_names,
)

revision = "0006_account_model_overrides"
down_revision = "0005_link_global_settings"
branch_labels = None
depends_on = None

BATCH_SIZE = 100_000
PYTHON_BATCH_SIZE = 2_000
SOURCE = "0006 (account overrides)"
MAP_TABLE = "igny8_legacy_model_map"
settings = sa.table(
    "igny8_integration_settings", sa.column("id", BigIntId), sa.column("config", JsonDocument)
)


def _distinct_names(conn: sa.Connection) -> dict[str, set[str]]:
    """Every distinct string override per slot, read by the database."""
    names: dict[str, set[str]] = {slot.name: set() for slot in LEGACY_SLOTS}
    if conn.dialect.name == "postgresql":
        query = sa.text(
            "SELECT DISTINCT slot, config ->> slot FROM igny8_integration_settings"
            " CROSS JOIN unnest(CAST(:slots AS text[])) AS slot"
            " WHERE jsonb_typeof(config -> slot) = 'string'"
        ).bindparams(slots=list(names))
        rows = conn.execute(query).all()
    else:
        rows = conn.execute(sa.text(" UNION ".join(
            f"SELECT DISTINCT '{slot}', json_extract(config, '$.{slot}')"
            f" FROM igny8_integration_settings WHERE json_type(config, '$.{slot}') = 'text'"
            for slot in names
        ))).all()
    for slot, name in rows:
        if name.strip():  # a blank override names no model: it stays as it is
            names[slot].add(name)
    return names


def _resolve_all(conn: sa.Connection) -> dict[tuple[str, str], int]:
    """(slot, legacy name) → catalogue id for every override in use."""
    in_use = _distinct_names(conn)
    mapping: dict[tuple[str, str], int] = {}
    for slot in LEGACY_SLOTS:
        if in_use[slot.name]:
            resolved = resolve_names(conn, slot, in_use[slot.name], SOURCE)
            mapping.update({(slot.name, name): model_id for name, model_id in resolved.items()})
    return mapping


UPGRADE_JOIN = (
    " LEFT JOIN {map} {alias} ON {alias}.slot = '{old}' AND {alias}.name = t.config ->> '{old}'"
    " AND jsonb_typeof(t.config -> '{old}') = 'string'"
)
DOWNGRADE_JOIN = (
    " LEFT JOIN igny8_ai_model_config {alias} ON {alias}.id = CASE"
    " WHEN jsonb_typeof(t.config -> '{old}') = 'number'"
    " AND (t.config ->> '{old}') ~ '^[0-9]{{1,18}}$'"
    " THEN CAST(t.config ->> '{old}' AS bigint) END"
)


def _pg_statement(keys: list[tuple[str, str]], join: str, value: str) -> sa.TextClause:
    """UPDATE ... FROM for one id range: drop each converted key, add its replacement."""
    aliases = [f"m{number}" for number in range(len(keys))]
    drops = ", ".join(
        f"CASE WHEN {alias}.{value} IS NOT NULL THEN '{old}' END"
        for alias, (old, _) in zip(aliases, keys)
    )
    adds = ", ".join(f"'{new}', {alias}.{value}" for alias, (_, new) in zip(aliases, keys))
    joins = "".join(
        join.format(map=MAP_TABLE, alias=alias, old=old) for alias, (old, _) in zip(aliases, keys)
    )
    return sa.text(
        "UPDATE igny8_integration_settings AS s"
        " SET config = (s.config - c.drop_keys) || c.add_keys"
        f" FROM (SELECT t.id, array_remove(ARRAY[{drops}], NULL) AS drop_keys,"
        f" jsonb_strip_nulls(jsonb_build_object({adds})) AS add_keys"
        f" FROM igny8_integration_settings AS t{joins}"
        " WHERE t.id BETWEEN :low AND :high) AS c"
        " WHERE s.id = c.id AND c.add_keys <> CAST('{}' AS jsonb)"
    )


def _pg_run_batches(conn: sa.Connection, statement: sa.TextClause) -> int:
    """Run `statement` over consecutive id ranges, printing progress; return rows changed."""
    bounds = sa.text("SELECT min(id), max(id) FROM igny8_integration_settings")
    low, high = conn.execute(bounds).one()
    changed = 0
    for start in range(low or 1, (high or 0) + 1, BATCH_SIZE):
        end = min(start + BATCH_SIZE - 1, high)
        changed += conn.execute(statement, {"low": start, "high": end}).rowcount
        print(f"  ids {start}-{end} of {low}-{high}: {changed} account settings converted so far")
    return changed


def _pg_upgrade(conn: sa.Connection, mapping: dict[tuple[str, str], int]) -> int:
    """Load the mapping into a temp table and convert set-based."""
    conn.execute(sa.text(
        f"CREATE TEMPORARY TABLE {MAP_TABLE} (slot text NOT NULL, name text NOT NULL,"
        " model_id bigint NOT NULL, PRIMARY KEY (slot, name))"
    ))
    conn.execute(
        sa.text(f"INSERT INTO {MAP_TABLE} (slot, name, model_id) VALUES (:slot, :name, :model_id)"),
        [{"slot": slot, "name": name, "model_id": model_id}
         for (slot, name), model_id in mapping.items()],
    )
    conn.execute(sa.text(f"ANALYZE {MAP_TABLE}"))
    keys = [(slot.name, slot.id_key) for slot in LEGACY_SLOTS]
    changed = _pg_run_batches(conn, _pg_statement(keys, UPGRADE_JOIN, "model_id"))
    conn.execute(sa.text(f"DROP TABLE {MAP_TABLE}"))
    return changed


def _py_run_batches(conn: sa.Connection, convert) -> int:
    """Convert configs in Python, PYTHON_BATCH_SIZE rows at a time; return rows changed."""
    total = conn.scalar(sa.select(sa.func.count()).select_from(settings))
    update = settings.update().where(settings.c.id == sa.bindparam("row_id")).values(
        config=sa.bindparam("new_config")
    )
    after, seen, changed = 0, 0, 0
    while rows := conn.execute(
        sa.select(settings.c.id, settings.c.config)
        .where(settings.c.id > after).order_by(settings.c.id).limit(PYTHON_BATCH_SIZE)
    ).all():
        updates = [{"row_id": row.id, "new_config": new} for row in rows
                   if (new := convert(row.config)) is not None]
        if updates:
            conn.execute(update, updates)
        after, seen, changed = rows[-1].id, seen + len(rows), changed + len(updates)
        print(f"  {seen} of {total} account settings read, {changed} converted so far")
    return changed


def _replace_keys(config, replacements) -> dict | None:
    """A copy of `config` with (old key, new key, new value) applied, or None if unchanged."""
    if not isinstance(config, dict) or not replacements:
        return None
    converted = dict(config)
    for old, new, value in replacements:
        del converted[old]
        converted[new] = value
    return converted


def ids_from_names(config, mapping: dict[tuple[str, str], int]) -> dict | None:
    """Legacy string overrides → `*_model_id` ints; other keys untouched."""
    found = [
        (slot.name, slot.id_key, mapping[(slot.name, config[slot.name])])
        for slot in LEGACY_SLOTS
        if isinstance(config, dict) and isinstance(config.get(slot.name), str)
        and (slot.name, config[slot.name]) in mapping
    ]
    return _replace_keys(config, found)


def names_from_ids(config, names: dict[int, str]) -> dict | None:
    """`*_model_id` ints → legacy model_name strings; other keys untouched."""
    found = [
        (slot.id_key, slot.name, names[config[slot.id_key]])
        for slot in LEGACY_SLOTS
        if isinstance(config, dict) and type(config.get(slot.id_key)) is int
        and config[slot.id_key] in names
    ]
    return _replace_keys(config, found)


def upgrade():
    """Convert every account's string overrides to catalogue ids."""
    require_online(revision)
    conn = op.get_bind()
    mapping = _resolve_all(conn)
    if not mapping:
        print("✓ No legacy model overrides in the account settings")
        return
    if conn.dialect.name == "postgresql":
        changed = _pg_upgrade(conn, mapping)
    else:
        changed = _py_run_batches(conn, lambda config: ids_from_names(config, mapping))
    print(f"✓ Converted the model overrides of {changed} account settings")


def downgrade():
    """Turn `*_model_id` overrides back into model_name strings."""
    require_online(revision)
    conn = op.get_bind()
    names = model_names_by_id(conn)
    if conn.dialect.name == "postgresql":
        keys = [(slot.id_key, slot.name) for slot in LEGACY_SLOTS]
        changed = _pg_run_batches(conn, _pg_statement(keys, DOWNGRADE_JOIN, "model_name"))
    else:
        changed = _py_run_batches(conn, lambda config: names_from_ids(config, names))
    print(f"✓ Restored the model-name overrides of {changed} account settings")
