"""factory_boy factories for the igny8 models, bound to the Flask-SQLAlchemy session."""
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from igny8.extensions import db
from igny8.models import (
    GLOBAL_SETTINGS_ID,
    Account,
    AIModelConfig,
    GlobalIntegrationSettings,
    IntegrationSettings,
)


class BaseFactory(SQLAlchemyModelFactory):
    """Flushes each object so ids exist; the test decides when to commit."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class TextModelFactory(BaseFactory):
    """An active, priced OpenAI text model."""

    class Meta:
        model = AIModelConfig

    provider = "openai"
    model_type = "text"
    model_name = factory.Sequence(lambda n: f"test-text-{n}")
    display_name = factory.Sequence(lambda n: f"Test Text {n}")
    is_active = True
    input_price_per_1m = Decimal("0.15")
    output_price_per_1m = Decimal("0.60")
    context_window = 128000
    max_output_tokens = 16384
    aliases = factory.LazyFunction(list)
    notes = ""


class ImageModelFactory(BaseFactory):
    """An active, priced OpenAI image model."""

    class Meta:
        model = AIModelConfig

    provider = "openai"
    model_type = "image"
    model_name = factory.Sequence(lambda n: f"test-image-{n}")
    display_name = factory.Sequence(lambda n: f"Test Image {n}")
    is_active = True
    price_per_image = Decimal("0.04")
    aliases = factory.LazyFunction(list)
    notes = ""


class AccountFactory(BaseFactory):
    """An account without integration settings."""

    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n}")


class IntegrationSettingsFactory(BaseFactory):
    """An account's integration settings with an empty config."""

    class Meta:
        model = IntegrationSettings

    account = factory.SubFactory(AccountFactory)
    config = factory.LazyFunction(dict)


class GlobalSettingsFactory(BaseFactory):
    """The singleton global settings row."""

    class Meta:
        model = GlobalIntegrationSettings

    id = GLOBAL_SETTINGS_ID
