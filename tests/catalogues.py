"""The named catalogues tests start from (`CATALOGUES`): rows made by factory traits, the global
settings and account overrides pointing at them; the `catalogue` fixture makes one."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial

from flask import current_app

from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.services.seed import seed_catalogue
from tests.factories import (
    AccountFactory, BaseFactory, GlobalSettingsFactory, ImageModelFactory,
    IntegrationSettingsFactory, TextModelFactory,
)


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
