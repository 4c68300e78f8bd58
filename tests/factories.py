"""factory_boy factories for the igny8 models, bound to the Flask-SQLAlchemy session."""
from decimal import Decimal
from functools import cache

import factory
from factory.alchemy import SQLAlchemyModelFactory

from igny8.extensions import db
from igny8.models import (
    GLOBAL_SETTINGS_ID,
    Account,
    AIModelConfig,
    GlobalIntegrationSettings,
    IntegrationSettings,
    User,
)
from werkzeug.security import generate_password_hash

TEST_PASSWORD = "correct horse battery"


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


@cache
def password_hash_for(password: str) -> str:
    """Hash each test password once: scrypt is slow by design."""
    return generate_password_hash(password)


class UserFactory(BaseFactory):
    """An active user; `role` is "admin" or "support", password "correct horse battery"."""

    class Meta:
        model = User

    class Params:
        password = TEST_PASSWORD

    email = factory.Sequence(lambda n: f"user{n}@igny8.test")
    role = "admin"
    is_active = True
    password_hash = factory.LazyAttribute(lambda o: password_hash_for(o.password))
