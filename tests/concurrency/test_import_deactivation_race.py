"""The import preview's bulk deactivation under a concurrent override on PostgreSQL: the models
are locked FOR UPDATE before the where-used check and override writers lock the model they
choose FOR SHARE, so a model is never deactivated "unused" while an override to it commits."""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from igny8.errors import ModelInUse
from igny8.extensions import db
from sqlalchemy import insert, select

from igny8.models import AIModelConfig, AuditEntry, IntegrationSettings
from igny8.services import api_keys, exchange
from igny8.services.audit import CLI
from igny8.services.exchange_deactivation import deactivate_missing
from tests.factories import AccountFactory, TextModelFactory
from tests.helpers.app import app_with_tables
from tests.helpers.concurrency import empty_tables_but_generation

ROUNDS = 12
EMPTY_FILE = '{"format": "igny8-catalogue", "version": 1, "models": []}'


@pytest.fixture
def pg_app(fresh_database_url):
    """An app on its own PostgreSQL database."""
    with app_with_tables(fresh_database_url("postgresql")) as app:
        yield app


def _setup(app) -> tuple[int, int, str]:
    """An unused model only in the catalogue, an account, a write key."""
    with app.app_context():
        model = TextModelFactory(model_name="spare")
        account = AccountFactory(name="racer")
        db.session.commit()
        _, key = api_keys.create_key("racer", "write", actor="cli")
        return model.id, account.id, key


def _deactivate(app, model_id) -> str:
    """The bulk deactivation of the one model: "done" or "in use"."""
    with app.app_context():
        try:
            deactivate_missing(exchange.parse(EMPTY_FILE, "json"), [model_id], CLI)
        except ModelInUse:
            return "in use"
        finally:
            db.session.remove()
        return "done"


def _override(app, account_id, model_id, key) -> int:
    """The account starting to use the model through the API; its status."""
    response = app.test_client().patch(
        f"/api/v1/accounts/{account_id}/integration-settings", json={"openai_model": model_id},
        headers={"Authorization": f"Bearer {key}"})
    return response.status_code


def _outcome(app, model_id) -> tuple[bool, list[str]]:
    """Whether the model is active, and the history's actions in the order they were written."""
    with app.app_context():
        active = db.session.get(AIModelConfig, model_id).is_active
        actions = [entry.action for entry in db.session.query(AuditEntry).order_by(AuditEntry.id)
                   if entry.action in ("deactivate", "update")]
        return active, actions


def test_the_check_waits_for_an_override_holding_the_model(pg_app):
    """An override writer holds the model FOR SHARE and has written the override, uncommitted:
    the deactivation waits on its FOR UPDATE, then sees the override and refuses."""
    model_id, account_id, _key = _setup(pg_app)
    with pg_app.app_context(), db.engine.connect() as writer:
        writer.execute(select(AIModelConfig.id).where(AIModelConfig.id == model_id)
                       .with_for_update(read=True))
        writer.execute(insert(IntegrationSettings).values(
            account_id=account_id, config={"openai_model_id": model_id}))
        with ThreadPoolExecutor(max_workers=1) as pool:
            deactivation = pool.submit(_deactivate, pg_app, model_id)
            time.sleep(0.5)
            assert not deactivation.done()  # blocked on the model's row lock
            writer.commit()
            assert deactivation.result(timeout=30) == "in use"
    assert _outcome(pg_app, model_id) == (True, [])


def test_a_model_is_never_deactivated_while_an_override_to_it_commits(pg_app):
    outcomes = set()
    for _ in range(ROUNDS):
        empty_tables_but_generation(pg_app)
        model_id, account_id, key = _setup(pg_app)
        with ThreadPoolExecutor(max_workers=2) as pool:
            deactivation = pool.submit(_deactivate, pg_app, model_id)
            override = pool.submit(_override, pg_app, account_id, model_id, key)
            result, status = deactivation.result(), override.result()
        active, actions = _outcome(pg_app, model_id)
        if result == "in use":  # the override committed first: the model stays active
            assert status == 200 and active and actions == ["update"], (status, actions)
        else:  # deactivated first: the override was refused, or written after, never before
            assert not active and actions[0] == "deactivate", (status, actions)
            assert (status == 200) == (actions == ["deactivate", "update"]), (status, actions)
        outcomes.add(result)
    assert outcomes  # every round ended in one of the two orders
