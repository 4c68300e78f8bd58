"""factory_boy factories for the igny8 models, bound to the Flask-SQLAlchemy session."""
from __future__ import annotations

from datetime import datetime, timezone
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
    ModelPriceVersion,
    UsageRecord,
    User,
)
from igny8.services.usage_store.rollups import apply_deltas, deltas_for_records
from werkzeug.security import generate_password_hash

TEST_PASSWORD = "correct horse battery"


class BaseFactory(SQLAlchemyModelFactory):
    """Flushes each object so ids exist; the test decides when to commit."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class AIModelFactory(BaseFactory):
    """What text and image rows share: an active OpenAI model without aliases or notes."""

    class Meta:
        model = AIModelConfig

    provider = "openai"
    is_active = True
    aliases = factory.LazyFunction(list)
    notes = ""


class TextModelFactory(AIModelFactory):
    """An active, priced OpenAI text model; a trait makes one of the named catalogue rows."""

    class Params:
        gpt_4o_mini = factory.Trait(model_name="gpt-4o-mini", display_name="GPT-4o Mini")
        gpt_4o = factory.Trait(model_name="gpt-4o", display_name="GPT-4o",
                               input_price_per_1m=Decimal("2.50"),
                               output_price_per_1m=Decimal("10"))
        gpt_4_turbo = factory.Trait(model_name="gpt-4-turbo", display_name="GPT-4 Turbo",
                                    is_active=False)
        gpt_35_turbo = factory.Trait(model_name="gpt-3.5-turbo", display_name="GPT-3.5 Turbo",
                                     is_active=False)
        claude_3_haiku = factory.Trait(provider="anthropic", model_name="claude-3-haiku",
                                       display_name="Claude 3 Haiku",
                                       input_price_per_1m=Decimal("0.25"),
                                       output_price_per_1m=Decimal("1.25"))
        claude_35_sonnet = factory.Trait(provider="anthropic", model_name="claude-3-5-sonnet",
                                         display_name="Claude 3.5 Sonnet")

    model_type = "text"
    model_name = factory.Sequence(lambda n: f"test-text-{n}")
    display_name = factory.Sequence(lambda n: f"Test Text {n}")
    input_price_per_1m = Decimal("0.15")
    output_price_per_1m = Decimal("0.60")
    context_window = 128000
    max_output_tokens = 16384


class ImageModelFactory(AIModelFactory):
    """An active, priced OpenAI image model; a trait makes one of the named catalogue rows."""

    class Params:
        dall_e_3 = factory.Trait(model_name="dall-e-3", display_name="DALL-E 3")
        flux_11_pro = factory.Trait(provider="runware", model_name="runware-flux-1.1-pro",
                                    display_name="Runware FLUX 1.1 Pro")
        runware_old = factory.Trait(provider="runware", model_name="runware-old",
                                    display_name="Runware Old", is_active=False)
        runware_flux = factory.Trait(provider="runware", model_name="flux",
                                     display_name="Runware FLUX",
                                     is_active=False, price_per_image=Decimal("0.0035"))

    model_type = "image"
    model_name = factory.Sequence(lambda n: f"test-image-{n}")
    display_name = factory.Sequence(lambda n: f"Test Image {n}")
    price_per_image = Decimal("0.04")


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


def account_with(config: dict) -> Account:
    """A committed account whose integration settings hold `config`."""
    settings = IntegrationSettingsFactory(config=config)
    db.session.commit()
    return settings.account


class GlobalSettingsFactory(BaseFactory):
    """The singleton global settings row."""

    class Meta:
        model = GlobalIntegrationSettings

    id = GLOBAL_SETTINGS_ID


class PriceVersionFactory(BaseFactory):
    """A price version of a model in force since 1970 (give `model_id` and the prices)."""

    class Meta:
        model = ModelPriceVersion

    effective_from = datetime(1970, 1, 1, tzinfo=timezone.utc)
    created_by = "test"


def record_usage(account_id: int, model_id: int, occurred_at: datetime, cost: str,
                 price_version_id: int, **counts) -> UsageRecord:
    """One usage record with the cost given, and its rollup delta, flushed as ingest writes."""
    values = {"account_id": account_id, "model_id": model_id, "occurred_at": occurred_at,
              "cost": Decimal(cost), "price_version_id": price_version_id,
              "input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0, "images": 0,
              **counts}
    values.setdefault("request_id", f"test-{model_id}-{account_id}-{occurred_at.isoformat()}"
                                    f"-{values['input_tokens']}-{cost}")
    record = UsageRecord(**values)
    db.session.add(record)
    db.session.flush()
    apply_deltas(deltas_for_records([values]))
    return record


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
