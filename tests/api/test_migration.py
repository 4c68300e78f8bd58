"""Revision 0009 creates the API keys table as the model has it; downgrade drops it."""
import flask_migrate
import pytest

from igny8.extensions import db
from igny8.services import api_keys
from tests.helpers.schema import named_objects_in_database, named_objects_in_models, reflect

pytestmark = pytest.mark.migrations
TABLE = "igny8_api_keys"


def test_0009_creates_the_keys_table_with_named_constraints_and_downgrades(
    migration_app,
):
    flask_migrate.upgrade(revision="0009_api_keys")
    assert named_objects_in_database(TABLE) == named_objects_in_models(TABLE)
    assert {"ck_igny8_api_keys_scope_known", "uq_igny8_api_keys_key_hash",
            "fk_igny8_api_keys_created_by_id_igny8_users"} <= named_objects_in_database(TABLE)
    key, raw = api_keys.create_key("migrated", "read", actor="cli")
    assert api_keys.authenticate(raw).name == "migrated"
    db.session.remove()  # end the read transaction: PostgreSQL's DROP TABLE would wait for it

    flask_migrate.downgrade(revision="0008_users_audit_versions")
    tables = set(reflect().tables)
    assert TABLE not in tables and "igny8_audit_log" in tables
