"""The factories build rows the schema accepts."""
from igny8.models import AIModelConfig
from tests.factories import IntegrationSettingsFactory, TextModelFactory


def test_factories_persist_rows(db):
    model = TextModelFactory(model_name="gpt-4o-mini", display_name="GPT-4o Mini")
    settings = IntegrationSettingsFactory(config={"api_key": "x"})
    db.session.commit()
    assert db.session.get(AIModelConfig, model.id).label == (
        "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens"
    )
    assert settings.account.integration_settings.config == {"api_key": "x"}
