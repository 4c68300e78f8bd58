"""The write services lock and reload before they check: what changed since the request loaded
it is a 409, a settings row written meanwhile is reused, a constraint error is a 409."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, update

from igny8.models import AIModelConfig, IntegrationSettings
from igny8.services import account_settings, locking, settings, usage
from igny8.errors import ConflictError, ModelInUse
from igny8.services.locking import commit_or_conflict
from tests.factories import (
    AccountFactory,
    GlobalSettingsFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)

# Core statements, as another process would send them: the session's objects stay as loaded.
CATALOGUE = AIModelConfig.__table__


def test_a_model_deleted_after_it_was_loaded_is_a_conflict_not_an_override(db):
    model, account = TextModelFactory(display_name="Gone"), AccountFactory()
    db.session.commit()
    account = account_settings.load_account(account.id)
    chosen = db.session.get(AIModelConfig, model.id)
    db.session.execute(delete(CATALOGUE).where(CATALOGUE.c.id == model.id))
    with pytest.raises(ConflictError) as conflict:
        account_settings.update_account_settings(account, {"openai_model": chosen}, None)
    assert "Gone (" in conflict.value.message and "deleted" in conflict.value.message
    db.session.rollback()
    assert db.session.scalars(select(IntegrationSettings)).all() == []


def test_a_model_changed_after_it_was_loaded_is_a_conflict_for_the_global_slot(db):
    model = TextModelFactory(display_name="Moved")
    db.session.commit()
    chosen = db.session.get(AIModelConfig, model.id)
    db.session.execute(update(CATALOGUE).where(CATALOGUE.c.id == model.id)
                       .values(is_active=False, version=CATALOGUE.c.version + 1))
    with pytest.raises(ConflictError) as conflict:
        settings.update_global_settings({"openai_model": chosen}, None)
    assert "Moved (" in conflict.value.message
    assert "changed by someone else" in conflict.value.message
    db.session.rollback()
    assert settings.load_global_settings() is None


def test_a_deactivation_sees_a_global_slot_saved_after_the_row_was_loaded(db):
    model = TextModelFactory()
    GlobalSettingsFactory()
    db.session.commit()
    row = settings.load_global_settings()
    assert row.openai_model_id is None  # loaded: the concurrent save below is not in it
    db.session.execute(update(row.__table__).values(openai_model_id=model.id))
    with pytest.raises(ModelInUse):
        usage.deactivate_models([model])


def test_a_first_write_that_lost_the_race_joins_the_row_written_meanwhile(db):
    model, account = TextModelFactory(), AccountFactory()
    db.session.commit()
    account = account_settings.load_account(account.id)
    assert account.integration_settings is None
    db.session.execute(insert(IntegrationSettings.__table__).values(
        account_id=account.id, config={"text_model_id": model.id}))
    account_settings.update_account_settings(account, {"openai_model": model}, None)
    db.session.expire_all()
    [row] = db.session.scalars(select(IntegrationSettings)).all()
    assert row.config == {"text_model_id": model.id, "openai_model_id": model.id}


def test_a_constraint_error_at_commit_is_a_conflict_naming_it(db):
    account = IntegrationSettingsFactory().account
    db.session.commit()
    db.session.add(IntegrationSettings(account_id=account.id, config={}))
    with pytest.raises(ConflictError) as conflict:
        commit_or_conflict(f"Settings of {account.name}")
    assert "at the same time" in conflict.value.message
    if db.engine.dialect.name == "postgresql":
        assert conflict.value.fields == {
            "constraint": "uq_igny8_integration_settings_account_id"}
    assert db.session.scalar(select(func.count()).select_from(IntegrationSettings)) == 1


def test_a_locked_model_makes_another_writer_wait(db):
    model = TextModelFactory()
    db.session.commit()
    locking.lock_models([model.id])  # as a write service does first, before its checks
    other = db.engine.raw_connection()
    try:
        cursor = other.cursor()
        short_wait = ("SET lock_timeout = '200ms'" if db.engine.dialect.name == "postgresql"
                      else "PRAGMA busy_timeout = 200")
        cursor.execute(short_wait)
        touch = f"UPDATE {CATALOGUE.name} SET notes = 'other writer' WHERE id = {model.id}"
        with pytest.raises(Exception, match="lock"):
            cursor.execute(touch)
        other.rollback()
        db.session.rollback()  # the lock ends with the transaction
        cursor.execute(touch)
        other.commit()
    finally:
        other.close()
    db.session.expire_all()
    assert model.notes == "other writer"
