"""Replace-everywhere under concurrent requests on PostgreSQL (rows locked FOR UPDATE): of many
applies of one preview exactly one moves the places, the others get a 409; an override written
while applies run is either moved or detected, never lost. SQLite serialises writers itself."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from igny8.extensions import db
from igny8.models import AuditEntry, IntegrationSettings
from igny8.services import api_keys, replacement
from tests.factories import (
    AccountFactory, GlobalSettingsFactory, IntegrationSettingsFactory, TextModelFactory,
)
from tests.helpers.app import app_with_tables
from tests.helpers.concurrency import empty_tables_but_generation

ROUNDS = 20


@pytest.fixture
def pg_app(fresh_database_url):
    """An app on its own PostgreSQL database."""
    with app_with_tables(fresh_database_url("postgresql")) as app:
        yield app


def _setup(app) -> tuple[int, int, str, str]:
    """Old used by the global slot and three accounts; a write key; the preview's token."""
    with app.app_context():
        old = TextModelFactory(model_name="old")
        new = TextModelFactory(model_name="new")
        GlobalSettingsFactory(openai_model=old)
        for n in range(3):
            IntegrationSettingsFactory(account=AccountFactory(name=f"acct {n}"),
                                       config={"text_model_id": old.id})
        db.session.commit()
        _, key = api_keys.create_key("racer", "write", actor="cli")
        token = replacement.plan_replacement(old.id, new.id).token
        return old.id, new.id, key, token


def _apply(app, old_id, new_id, key, token) -> int:
    """One apply request through the API; its status."""
    response = app.test_client().post(
        f"/api/v1/models/{old_id}/replace", json={"target_id": new_id, "token": token},
        headers={"Authorization": f"Bearer {key}"})
    return response.status_code


def _late_override(app, old_id) -> int:
    """An account starting to use the old model while the applies run; its status."""
    with app.app_context():
        account = AccountFactory(name="late")
        db.session.commit()
        account_id = account.id
    response = app.test_client().patch(
        f"/api/v1/accounts/{account_id}/integration-settings", json={"openai_model": old_id},
        headers={"Authorization": f"Bearer {KEYS[app]}"})
    return response.status_code


KEYS: dict = {}


def test_concurrent_applies_of_one_preview_move_once(pg_app):
    wins = 0
    for _ in range(ROUNDS):
        empty_tables_but_generation(pg_app)
        old_id, new_id, key, token = _setup(pg_app)
        KEYS[pg_app] = key
        with ThreadPoolExecutor(max_workers=5) as pool:
            applies = [pool.submit(_apply, pg_app, old_id, new_id, key, token) for _ in range(4)]
            late = pool.submit(_late_override, pg_app, old_id)
            statuses = sorted(future.result() for future in applies)
            late_status = late.result()
        assert statuses.count(200) <= 1 and set(statuses) <= {200, 409}, statuses
        assert late_status == 200
        with pg_app.app_context():
            replaced = db.session.query(AuditEntry).filter_by(action="replace").count()
            configs = {s.account.name: s.config for s in db.session.query(IntegrationSettings)}
        assert replaced == statuses.count(200)
        moved = [name for name, config in configs.items() if name != "late"
                 and config == {"text_model_id": new_id}]
        # All three moved by the one winner, or none (the late override changed the plan first).
        assert len(moved) == (3 if replaced else 0), configs
        assert configs["late"] == {"openai_model_id": old_id}  # written after, or not in the plan
        wins += replaced
    assert wins >= 1  # the race was run with a winner, not only refused
