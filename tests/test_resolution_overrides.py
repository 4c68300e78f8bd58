"""An account's override set and cleared through the service: the config stored, other keys kept,
bad ids refused with nothing written, what resolves afterwards and the history entries."""
import pytest
from sqlalchemy import func, select

from igny8.errors import ValidationFailed
from igny8.models import IntegrationSettings
from igny8.models.audit import AuditEntry
from igny8.services.account_settings import clear_account_override, set_account_override
from igny8.services.resolution import resolve
from tests.factories import AccountFactory, account_with

pytestmark = pytest.mark.catalogue("resolution")


def stored_config(db, account_id):
    """The config as the database holds it (None when the account has no settings row)."""
    db.session.expire_all()
    query = select(IntegrationSettings.config).where(IntegrationSettings.account_id == account_id)
    return db.session.scalar(query)


def test_set_override_creates_settings(db, catalogue):
    account = AccountFactory()
    db.session.commit()
    set_account_override(account.id, "dalle_model", catalogue["dalle"].id)
    assert stored_config(db, account.id) == {"dalle_model_id": catalogue["dalle"].id}
    assert resolve(account, "dalle_model").source == "account"


def test_set_override_keeps_other_keys(db, catalogue):
    account = account_with({"api_key": "k", "openai_model_id": catalogue["mini"].id})
    set_account_override(account.id, "openai_model", catalogue["gpt4o"].id)
    assert stored_config(db, account.id) == {
        "api_key": "k",
        "openai_model_id": catalogue["gpt4o"].id,
    }


@pytest.mark.parametrize(
    "pick, message",
    [
        (lambda c: 987654, "model 987654 does not exist"),
        (lambda c: c["old"].id, "gpt-3.5-turbo is inactive"),
        (lambda c: c["claude"].id, "claude-3-5-sonnet is an anthropic text model, not openai text"),
        (lambda c: c["dalle"].id, "dall-e-3 is an openai image model, not openai text"),
        (lambda c: "abc", "'abc' is not a model id"),
        (lambda c: None, "None is not a model id"),
    ],
)
def test_set_override_rejects_bad_ids_and_writes_nothing(db, catalogue, pick, message):
    kept = account_with({"api_key": "k"})
    bare = AccountFactory()
    db.session.commit()
    for account in (kept, bare):
        with pytest.raises(ValidationFailed) as caught:
            set_account_override(account.id, "openai_model", pick(catalogue))
        assert caught.value.fields == {"openai_model_id": message}
        assert caught.value.message == f"Cannot set OpenAI text model: {message}"
    db.session.rollback()
    assert stored_config(db, kept.id) == {"api_key": "k"}
    assert db.session.scalar(select(func.count()).select_from(IntegrationSettings)) == 1


def test_clear_override_keeps_other_keys(db, catalogue):
    config = {"api_key": "k", "openai_model_id": catalogue["gpt4o"].id, "text_model_id": 3}
    account = account_with(config)
    assert clear_account_override(account.id, "openai_model") is True
    assert stored_config(db, account.id) == {"api_key": "k", "text_model_id": 3}
    assert resolve(account, "openai_model").source == "default"
    assert clear_account_override(account.id, "openai_model") is False
    assert clear_account_override(AccountFactory().id, "openai_model") is False


def test_override_changes_are_recorded_in_the_history(db, catalogue):
    account = account_with({"api_key": "k"})
    set_account_override(account.id, "openai_model", catalogue["gpt4o"].id)
    clear_account_override(account.id, "openai_model")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.object_type, e.object_id, list(e.changes)) for e in entries] == [
        ("account_settings", str(account.id), ["openai_model"]),
        ("account_settings", str(account.id), ["openai_model"]),
    ]
    assert entries[1].changes["openai_model"][1] == "global default"
