"""The database itself guards references, on SQLite as on PostgreSQL."""
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from igny8.models import Account, AIModelConfig, IntegrationSettings
from tests.factories import GlobalSettingsFactory, IntegrationSettingsFactory, TextModelFactory


def test_a_model_a_global_setting_uses_cannot_be_deleted_in_sql(db):
    model = TextModelFactory()
    GlobalSettingsFactory(openai_model_id=model.id)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(delete(AIModelConfig).where(AIModelConfig.id == model.id))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AIModelConfig)) == 1


def test_deleting_an_account_in_sql_removes_its_integration_settings(db):
    settings = IntegrationSettingsFactory(config={"api_key": "k"})
    db.session.commit()
    db.session.execute(delete(Account).where(Account.id == settings.account_id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(IntegrationSettings)) == 0
