"""factory_boy factories for the igny8 models, bound to the Flask-SQLAlchemy session."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal
from functools import cache, partial

import factory
from flask import current_app
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
from igny8.services.seed import seed_catalogue
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


def named(factory_class: type[BaseFactory], trait: str, **fields) -> Callable[[], AIModelConfig]:
    """One named catalogue row: the factory with one trait on, plus field overrides."""
    return partial(factory_class, **{trait: True}, **fields)


@dataclass(frozen=True)
class CatalogueSpec:
    """Catalogue rows by key, and the global settings and account overrides pointing at them.

    `global_settings` maps a settings column to a row key, `overrides` an account name to its
    config (key -> row key); `result` is "rows" (dict), "tuple" (rows in order) or "ids".
    `seed` starts from the shipped catalogue (`flask catalogue seed`), keyed by model_name.
    """

    rows: dict[str, Callable[[], AIModelConfig]] = field(default_factory=dict)
    global_settings: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    result: str = "rows"
    seed: bool = False

    def create(self):
        """Flush the rows in order (ids follow it), then what points at them."""
        rows = self._seeded() if self.seed else {}
        rows.update({key: make() for key, make in self.rows.items()})
        if self.global_settings:
            GlobalSettingsFactory(**{column: rows[key].id
                                     for column, key in self.global_settings.items()})
        for account, config in self.overrides.items():
            IntegrationSettingsFactory(account=AccountFactory(name=account),
                                       config={name: rows[key].id for name, key in config.items()})
        if self.result == "ids":
            return {key: row.id for key, row in rows.items()}
        return tuple(rows.values()) if self.result == "tuple" else rows

    @staticmethod
    def _seeded() -> dict[str, AIModelConfig]:
        """The shipped catalogue and global settings, rows by model_name."""
        seed_catalogue(current_app.config["IGNY8_DEFAULT_MODELS"])
        return {row.model_name: row for row in db.session.scalars(db.select(AIModelConfig))}


text, image = partial(named, TextModelFactory), partial(named, ImageModelFactory)
# The catalogues tests start from, by name; a module picks one with pytest.mark.catalogue(name).
CATALOGUES = {
    # Every kind the slot rules tell apart: OpenAI, Anthropic, image, inactive text and image.
    "settings": CatalogueSpec({
        "gpt": text("gpt_4o_mini"), "gpt4": text("gpt_4o"), "old_gpt": text("gpt_35_turbo"),
        "claude": text("claude_3_haiku"), "dalle": image("dall_e_3"),
        "flux": image("flux_11_pro"), "old_flux": image("runware_old"),
    }),
    # The configured defaults (matched by model_name) plus a few others.
    "resolution": CatalogueSpec({
        "mini": text("gpt_4o_mini"), "gpt4o": text("gpt_4o"), "old": text("gpt_35_turbo"),
        "claude": text("claude_35_sonnet"), "dalle": image("dall_e_3"),
        "flux": image("flux_11_pro"),
    }),
    # The API's models: one inactive, one with an alias.
    "api": CatalogueSpec({
        "mini": text("gpt_4o_mini", aliases=["gpt-4o-mini-2024-07-18"]),
        "turbo": text("gpt_4_turbo"), "claude": text("claude_35_sonnet"),
        "dalle": image("dall_e_3"),
    }),
    # The API's settings: one model of every kind the slots need, an inactive one.
    "api_settings": CatalogueSpec({
        "mini": text("gpt_4o_mini"), "gpt4": text("gpt_4_turbo", is_active=True),
        "old": text("gpt_35_turbo", display_name="GPT-3.5"),
        "claude": text("claude_35_sonnet"), "dalle": image("dall_e_3"),
        "flux": image("flux_11_pro"),
    }),
    # The list screens: one model the global settings use, one an account overrides to, one idle.
    "listing": CatalogueSpec(
        {"mini": text("gpt_4o_mini", cached_input_price_per_1m=Decimal("0.075"),
                      aliases=["4o-mini"]),
         "claude": text("claude_3_haiku"), "flux": image("runware_flux")},
        global_settings={"openai_model_id": "mini"},
        overrides={"Acme Ltd": {"text_model_id": "claude"}}, result="tuple",
    ),
    # The shipped catalogue, an account overriding to Claude 3 Haiku; ids by model_name.
    "shipped": CatalogueSpec(
        seed=True, overrides={"Northwind Media": {"text_model_id": "claude-3-haiku-20240307"}},
        result="ids",
    ),
}


def create_catalogue(name: str = "settings", **changes):
    """Flush the catalogue CATALOGUES[name], with `changes` to its CatalogueSpec fields."""
    return replace(CATALOGUES[name], **changes).create()


# --- the usage ledger's world: costs worked by hand in the ledger tests ---------------------

JANUARY = datetime(2026, 1, 1, tzinfo=timezone.utc)  # every model's first version starts
JUNE = datetime(2026, 6, 1, tzinfo=timezone.utc)  # the text model's second version starts


@dataclass(frozen=True)
class Ledger:
    """Ids of the rows usage records point at."""

    account: int
    archived: int
    text: int
    image: int
    unpriced: int  # a text model whose only version lacks the output price
    no_versions: int  # a text model without any price version
    text_v1: int
    text_v2: int


def make_ledger() -> Ledger:
    """Flush and commit the world: gpt-4o-mini with two versions (the second with a tier)."""
    account, archived = AccountFactory(name="Acme Publishing"), AccountFactory(
        name="Old Shop", archived_at=datetime(2026, 5, 1, tzinfo=timezone.utc))
    text = TextModelFactory(gpt_4o_mini=True)
    image = ImageModelFactory(dall_e_3=True)
    unpriced, no_versions = TextModelFactory(), TextModelFactory()
    v1 = PriceVersionFactory(model_id=text.id, effective_from=JANUARY,
                             input_price_per_1m=Decimal("0.15"),
                             cached_input_price_per_1m=Decimal("0.075"),
                             output_price_per_1m=Decimal("0.60"))
    v2 = PriceVersionFactory(model_id=text.id, effective_from=JUNE,
                             input_price_per_1m=Decimal("0.20"),
                             output_price_per_1m=Decimal("0.80"),
                             tier_threshold_tokens=200_000,
                             tier_input_price_per_1m=Decimal("0.40"),
                             tier_output_price_per_1m=Decimal("1.60"))
    PriceVersionFactory(model_id=image.id, effective_from=JANUARY, price_per_image=Decimal("0.04"))
    PriceVersionFactory(model_id=unpriced.id, effective_from=JANUARY,
                        input_price_per_1m=Decimal("1"))
    db.session.commit()
    return Ledger(account.id, archived.id, text.id, image.id, unpriced.id, no_versions.id,
                  v1.id, v2.id)


def sent_record(ledger: Ledger, request_id: str = "req-1", **fields) -> dict:
    """A good text record of the ledger's account (March: the first version), with changes."""
    return {"request_id": request_id, "account_id": ledger.account, "model_id": ledger.text,
            "occurred_at": "2026-03-01T10:00:00Z", "input_tokens": 1000,
            "cached_input_tokens": 400, "output_tokens": 500, **fields}
