"""`flask catalogue seed` / `flask catalogue list` and the packaged catalogue data."""
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.models import GLOBAL_SETTINGS_ID, AIModelConfig, GlobalIntegrationSettings
from igny8.pricing import PRICE_FIELDS, REQUIRED_PRICES
from igny8.services.catalogue import update_model
from igny8.services.catalogue_rules import model_errors
from igny8.services.seed import DATA_FILE, load_entries, seed_catalogue
from tests.factories import GlobalSettingsFactory, TextModelFactory

NOTE_MODELS = [
    (1, "openai", "gpt-4o-mini", "GPT-4o Mini"),
    (2, "openai", "gpt-3.5-turbo", "GPT-3.5 Turbo"),
    (3, "openai", "gpt-4-turbo-2024-04-09", "GPT-4 Turbo"),
    (4, "anthropic", "claude-3-5-sonnet-20241022", "Claude 3.5 Sonnet"),
    (5, "anthropic", "claude-3-haiku-20240307", "Claude 3 Haiku"),
    (6, "runware", "runware-flux-1.1-pro", "Runware FLUX 1.1 Pro"),
    (7, "openai", "dall-e-3", "DALL-E 3"),
]


@pytest.fixture
def seed(app):
    """Run the seed the way the command does."""
    return lambda **kw: seed_catalogue(app.config["IGNY8_DEFAULT_MODELS"], **kw)


def snapshot(db) -> list[tuple]:
    """Every catalogue row and the global settings, read fresh from the database."""
    db.session.expire_all()
    models = db.session.scalars(select(AIModelConfig).order_by(AIModelConfig.id)).all()
    settings = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    rows = [(m.id, m.model_name, m.display_name, m.is_active, m.input_price_per_1m,
             m.output_price_per_1m, m.price_per_image, m.aliases, m.origin, m.updated_at)
            for m in models]
    return rows + [(settings.openai_model_id, settings.dalle_model_id, settings.runware_model_id,
                    settings.text_model_id, settings.updated_at)]


def test_fresh_database_gets_the_design_notes_ids_and_slots(db, seed):
    report = seed()
    assert report.skipped == {}
    rows = db.session.execute(
        select(AIModelConfig.id, AIModelConfig.provider, AIModelConfig.model_name,
               AIModelConfig.display_name).where(AIModelConfig.id <= 7).order_by(AIModelConfig.id)
    ).all()
    assert [tuple(row) for row in rows] == NOTE_MODELS
    settings = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    assert (settings.openai_model_id, settings.dalle_model_id, settings.runware_model_id,
            settings.text_model_id) == (1, 7, 6, 1)
    assert settings.openai_model.label == (
        "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens · retires 2027-01-14")
    assert settings.dalle_model.label == (
        "DALL-E 3 (dall-e-3) - $0.04 per image · retired 2026-05-12")
    assert settings.runware_model.label == (
        "Runware FLUX 1.1 Pro (runware-flux-1.1-pro) - $0.04 per image"
    )
    assert report.slots_empty == {}
    runware = db.session.get(AIModelConfig, 6)
    assert (runware.is_active, runware.aliases, runware.origin) == (True, ["runware:97@1"], "seed")


def test_every_packaged_entry_passes_the_catalogue_rules(db, seed):
    report = seed()
    models = db.session.scalars(select(AIModelConfig)).all()
    assert len(report.created) == len(models) == len(load_entries())
    for model in models:
        assert model_errors(model) == {}, model.model_name
        if model.is_active:
            assert model.has_complete_pricing
            assert model.price_source and model.price_checked_on, model.model_name
    names = {model.model_name for model in models}
    assert {"gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-5.1", "gpt-5.2", "dall-e-2",
            "runware-flux-1-schnell", "runware-flux-1-dev"} <= names


def test_data_file_prices_are_exact_strings_and_unpriced_means_inactive():
    entries = json.loads(DATA_FILE.read_text())["models"]
    for entry in entries:
        prices = {field: entry[field] for field in PRICE_FIELDS if field in entry}
        assert all(isinstance(value, str) for value in prices.values()), entry["model_name"]
        assert all(Decimal(value) >= 0 for value in prices.values())
        complete = all(field in prices for field in REQUIRED_PRICES[entry["model_type"]])
        assert entry.get("is_active", False) <= complete, entry["model_name"]
    by_name = {entry["model_name"]: entry for entry in entries}
    assert by_name["gpt-4o-mini"]["price_source"] == (
        "LiteLLM model cost map 1.110.2 (key: gpt-4o-mini)"
    )
    assert by_name["runware-flux-1-schnell"]["aliases"] == ["runware:100@1"]
    assert by_name["runware-flux-1-dev"]["aliases"] == ["runware:101@1"]


def test_seeding_twice_changes_nothing(db, seed):
    seed()
    before = snapshot(db)
    report = seed()
    assert (report.created, report.updated, report.skipped) == ([], [], {})
    assert len(report.unchanged) == len(load_entries())
    assert snapshot(db) == before


def test_seed_refreshes_its_own_rows_from_the_file(db, seed):
    seed()
    stale = db.session.scalars(select(AIModelConfig).filter_by(model_name="gpt-4o")).one()
    stale.input_price_per_1m = Decimal("5")
    db.session.commit()
    report = seed()
    assert report.updated == ["openai/gpt-4o"]
    db.session.expire_all()
    assert stale.input_price_per_1m == Decimal("2.5")


def test_seed_never_touches_rows_an_admin_created_or_edited(db, seed):
    TextModelFactory(model_name="gpt-4o", display_name="Our GPT-4o",
                     input_price_per_1m=Decimal("9.99"))
    db.session.commit()
    seed()
    mini = db.session.scalars(select(AIModelConfig).filter_by(model_name="gpt-4o-mini")).one()
    update_model(mini, output_price_per_1m="0.70")
    report = seed()
    assert sorted(report.kept) == ["openai/gpt-4o", "openai/gpt-4o-mini"]
    db.session.expire_all()
    gpt4o = db.session.scalars(select(AIModelConfig).filter_by(model_name="gpt-4o")).one()
    assert (gpt4o.display_name, gpt4o.input_price_per_1m) == ("Our GPT-4o", Decimal("9.99"))
    assert mini.output_price_per_1m == Decimal("0.70")


def test_an_admins_slot_choice_is_kept(db, seed):
    chosen = TextModelFactory(model_name="house-model")
    GlobalSettingsFactory(openai_model=chosen)
    db.session.commit()
    report = seed()
    settings = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    assert settings.openai_model_id == chosen.id
    assert "openai_model" in report.slots_kept
    assert settings.dalle_model.model_name == "dall-e-3"  # an empty slot still gets its default


def test_a_bad_entry_is_skipped_with_its_reason_and_the_rest_is_seeded(db, seed):
    entries = [
        {"provider": "openai", "model_type": "text", "model_name": "good", "display_name": "Good"},
        {"provider": "openai", "model_type": "text", "model_name": "bad", "display_name": "Bad",
         "is_active": True, "input_price_per_1m": "-1", "output_price_per_1m": "1"},
        {"provider": "openai", "model_type": "text", "model_name": "odd", "display_name": "Odd",
         "colour": "blue"},
    ]
    report = seed(entries=entries)
    assert report.created == ["openai/good"]
    assert report.skipped["openai/bad"] == (
        "input_price_per_1m: input_price_per_1m must be 0 or more"
    )
    assert "Unknown field 'colour'" in report.skipped["openai/odd"]
    assert report.slots_empty["openai_model"] == "no openai model is named 'gpt-4o-mini'"
    assert [m.model_name for m in db.session.scalars(select(AIModelConfig))] == ["good"]


def test_flask_catalogue_seed_command(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["catalogue", "seed"])
    assert first.exit_code == 0, first.output
    count = len(load_entries())
    assert f"Catalogue: {count} created, 0 updated, 0 unchanged" in first.output
    assert "Global settings: dalle_model set to dall-e-3" in first.output
    assert "Global settings: runware_model set to runware-flux-1.1-pro" in first.output
    second = runner.invoke(args=["catalogue", "seed"])
    assert f"Catalogue: 0 created, 0 updated, {count} unchanged" in second.output
    assert "Global settings: openai_model kept (already chosen)" in second.output


def test_flask_catalogue_list_prints_an_aligned_table(app, seed):
    seed()
    output = app.test_cli_runner().invoke(args=["catalogue", "list"]).output
    lines = output.splitlines()
    assert lines[0].split() == ["id", "provider", "type", "model_name", "display_name", "active",
                                "prices", "context", "deprecated"]
    assert len(lines) == 2 + len(load_entries())
    for header in ("provider", "model_name", "active", "prices"):
        column = lines[0].index(header)
        assert all(line[column - 2:column] == "  " and line[column] != " " for line in lines[2:])
    column = lines[0].index("model_name")
    assert [line[column:].split()[0] for line in lines[2:9]] == [m[2] for m in NOTE_MODELS]
    mini = lines[2]
    assert mini.split()[:3] == ["1", "openai", "text"]
    assert "GPT-4o Mini" in mini and "$0.15/$0.60 per 1M tokens" in mini and "128,000" in mini
    dalle = next(line for line in lines if " dall-e-3 " in line)
    assert "$0.04 per image" in dalle and " yes " in dalle


@pytest.mark.parametrize(
    ("args", "present", "absent"),
    [
        (["--provider", "runware"], ["runware-flux-1.1-pro", "runware-flux-1-dev"], ["gpt-4o"]),
        (["--type", "image"], ["dall-e-3", "runware-flux-1-schnell"], ["gpt-4o-mini"]),
        (["--active"], ["gpt-4o-mini", "runware-flux-1.1-pro"], ["runware-flux-1-dev"]),
        (["--inactive"], ["runware-flux-1-dev"], ["gpt-4o-mini", "runware-flux-1.1-pro"]),
        (["--provider", "anthropic", "--type", "image"], ["No models match."], ["claude"]),
    ],
)
def test_flask_catalogue_list_filters(app, seed, args, present, absent):
    seed()
    result = app.test_cli_runner().invoke(args=["catalogue", "list", *args])
    assert result.exit_code == 0, result.output
    for text in present:
        assert text in result.output
    for text in absent:
        assert text not in result.output


def test_flask_catalogue_list_rejects_an_unknown_provider(app):
    result = app.test_cli_runner().invoke(args=["catalogue", "list", "--provider", "acme"])
    assert result.exit_code == 2
    assert "'acme' is not one of 'openai', 'anthropic', 'runware'" in result.output
