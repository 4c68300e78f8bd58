"""A usage record's price version is one of its own model's; room on the ledger's pages.

Revision ID: 0019_usage_version_key
Revises: 0018_model_name_key
Create Date: 2026-12-02

The foreign key from a usage record to its price version becomes (model_id, price_version_id)
-> the versions' (model_id, id), backed by a unique index on the versions: the database then
refuses a record costed at another model's version. Deleting an unused model's versions checks
the records through the (model_id, ...) indexes instead of needing an index on
price_version_id alone, so that index is dropped: a re-costing rewrites only cost, price
version and run, none of them indexed any more, so PostgreSQL can keep the new row on its page
without new index entries (a HOT update), and the table's fillfactor of 90 leaves room for it
on pages written from now on (existing pages get it when the table is rewritten, e.g. by
`VACUUM FULL` or `CLUSTER`). On PostgreSQL the new key is added NOT VALID and then validated,
which does not block ingest while it reads the ledger. A record pointing at another model's
version stops the upgrade with the count and the first ids; nothing is changed or dropped.

The downgrade restores the single-column key and its index and the default fillfactor.
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_usage_version_key"
down_revision = "0018_model_name_key"
branch_labels = None
depends_on = None

RECORDS = "igny8_usage_records"
VERSIONS = "igny8_model_price_versions"
FK = "fk_igny8_usage_records_price_version"
VERSION_INDEX = "ix_igny8_usage_records_price_version"
MODEL_KEY = "uq_igny8_model_price_versions_model_id"
MISMATCHED = sa.text(
    f"SELECT r.id FROM {RECORDS} r JOIN {VERSIONS} v ON v.id = r.price_version_id "
    "WHERE v.model_id <> r.model_id ORDER BY r.id")


def _refuse_mismatched_records() -> None:
    """Stop, naming them, if some records point at a version of another model."""
    ids = list(op.get_bind().execute(MISMATCHED).scalars())
    if ids:
        shown = ", ".join(str(record_id) for record_id in ids[:10])
        raise RuntimeError(
            f"0019: {len(ids)} usage records point at a price version of another model "
            f"(ids {shown}{', ...' if len(ids) > 10 else ''}); set their price_version_id "
            "to a version of their own model, then upgrade again. Nothing was changed.")


def _upgrade_postgresql() -> None:
    """New key added NOT VALID then validated; old key and index dropped; fillfactor 90."""
    op.drop_constraint(FK, RECORDS, type_="foreignkey")
    op.execute(f"ALTER TABLE {RECORDS} ADD CONSTRAINT {FK} FOREIGN KEY (model_id, "
               f"price_version_id) REFERENCES {VERSIONS} (model_id, id) ON DELETE RESTRICT "
               "NOT VALID")
    op.execute(f"ALTER TABLE {RECORDS} VALIDATE CONSTRAINT {FK}")
    op.drop_index(VERSION_INDEX, table_name=RECORDS)
    op.execute(f"ALTER TABLE {RECORDS} SET (fillfactor = 90)")


def _upgrade_sqlite() -> None:
    """SQLite changes a foreign key by copying the table (it has no triggers to lose)."""
    with op.batch_alter_table(RECORDS, recreate="always") as batch_op:
        batch_op.drop_index(VERSION_INDEX)
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.create_foreign_key(FK, VERSIONS, ["model_id", "price_version_id"],
                                    ["model_id", "id"], ondelete="RESTRICT")


def upgrade() -> None:
    """Check the records, add the versions' (model_id, id) key, move the records' key to it."""
    _refuse_mismatched_records()
    op.create_index(MODEL_KEY, VERSIONS, ["model_id", "id"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    """The single-column key and its index again; the default fillfactor."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {RECORDS} RESET (fillfactor)")
        op.drop_constraint(FK, RECORDS, type_="foreignkey")
        op.create_foreign_key(FK, RECORDS, VERSIONS, ["price_version_id"], ["id"],
                              ondelete="RESTRICT")
        op.create_index(VERSION_INDEX, RECORDS, ["price_version_id"])
    else:
        with op.batch_alter_table(RECORDS, recreate="always") as batch_op:
            batch_op.drop_constraint(FK, type_="foreignkey")
            batch_op.create_foreign_key(FK, VERSIONS, ["price_version_id"], ["id"],
                                        ondelete="RESTRICT")
            batch_op.create_index(VERSION_INDEX, ["price_version_id"])
    op.drop_index(MODEL_KEY, table_name=VERSIONS)
