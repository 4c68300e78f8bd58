"""The lock helpers: what changed since the request loaded it is a 409, checks after the lock
see what was committed meanwhile, and a locked model makes another writer wait."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from igny8.errors import ConflictError, ModelInUse
from igny8.models import AIModelConfig, GlobalIntegrationSettings, IntegrationSettings
from igny8.services import account_settings, catalogue, global_settings, locking
from tests.factories import AccountFactory, GlobalSettingsFactory, TextModelFactory

# Core statements, as another process would send them: the session's objects stay as loaded.
CATALOGUE = AIModelConfig.__table__


def test_a_model_deleted_after_it_was_loaded_is_a_conflict(db):
    model = TextModelFactory(display_name="Gone")
    db.session.commit()
    db.session.get(AIModelConfig, model.id)  # the request loads it, as a view does
    db.session.execute(delete(CATALOGUE).where(CATALOGUE.c.id == model.id))
    with pytest.raises(ConflictError) as conflict:
        locking.lock_models([model.id], shared=True)
    assert "Gone (" in conflict.value.message and "deleted" in conflict.value.message


def test_a_model_changed_after_it_was_loaded_is_a_conflict(db):
    model = TextModelFactory(display_name="Moved")
    db.session.commit()
    assert model.version == 1  # loaded
    db.session.execute(update(CATALOGUE).where(CATALOGUE.c.id == model.id)
                       .values(is_active=False, version=CATALOGUE.c.version + 1))
    with pytest.raises(ConflictError) as conflict:
        catalogue.deactivate_models([model])
    assert "Moved (" in conflict.value.message
    assert "changed by someone else" in conflict.value.message


def test_a_model_nobody_loaded_is_read_as_committed_under_the_lock(db):
    model = TextModelFactory()
    db.session.commit()
    db.session.execute(update(CATALOGUE).where(CATALOGUE.c.id == model.id)
                       .values(is_active=False))
    db.session.expire_all()
    with pytest.raises(Exception) as refused:
        global_settings.update_global_settings({"openai_model": model.id}, None)
    assert "is inactive" in str(refused.value)
    db.session.rollback()
    assert db.session.get(GlobalIntegrationSettings, 1) is None


def test_a_deactivation_sees_a_global_slot_saved_after_the_row_was_loaded(db):
    model = TextModelFactory()
    GlobalSettingsFactory()
    db.session.commit()
    row = global_settings.load_global_settings()
    assert row.openai_model_id is None  # loaded: the concurrent save below is not in it
    db.session.execute(update(GlobalIntegrationSettings.__table__)
                       .values(openai_model_id=model.id))
    with pytest.raises(ModelInUse):
        catalogue.deactivate_models([model])


def test_a_first_write_that_lost_the_race_joins_the_row_written_meanwhile(db):
    model, account = TextModelFactory(), AccountFactory()
    db.session.commit()
    account = account_settings.load_account(account.id)
    assert account.integration_settings is None
    db.session.execute(insert(IntegrationSettings.__table__).values(
        account_id=account.id, config={"text_model_id": model.id}))
    account_settings.update_account_settings(account.id, {"openai_model": model.id}, None)
    db.session.expire_all()
    [row] = db.session.scalars(select(IntegrationSettings)).all()
    assert row.config == {"text_model_id": model.id, "openai_model_id": model.id}


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
