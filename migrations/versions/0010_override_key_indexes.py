"""Expression indexes on the account override keys (which accounts use a given model).

Revision ID: 0010_override_key_indexes
Revises: 0009_api_keys
Create Date: 2026-11-25

The catalogue list counts, for the models of a page, the accounts overriding to each of them
(igny8/services/usage.py `usage_counts`): one index per key turns four scans extracting the key
from every settings row into index look-ups. The expressions are igny8.models.json_keys's:
`(config ->> 'key')` on PostgreSQL, `CAST(json_extract(config, '$.key') AS TEXT)` on SQLite.
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_override_key_indexes"
down_revision = "0009_api_keys"
branch_labels = None
depends_on = None

TABLE = "igny8_integration_settings"
KEYS = ("openai_model_id", "dalle_model_id", "runware_model_id", "text_model_id")


def key_text(key: str) -> sa.TextClause:
    """The key's value as text, in this database's dialect."""
    if op.get_bind().dialect.name == "postgresql":
        return sa.text(f"(config ->> '{key}')")
    return sa.text(f"CAST(json_extract(config, '$.{key}') AS TEXT)")


def upgrade():
    """One index per override key."""
    for key in KEYS:
        op.create_index(f"ix_{TABLE}_{key}", TABLE, [key_text(key)])


def downgrade():
    """Drop them."""
    for key in KEYS:
        op.drop_index(f"ix_{TABLE}_{key}", table_name=TABLE)
