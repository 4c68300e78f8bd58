"""`flask catalogue seed` records its writes in the history and respects the global slot guards."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from igny8.models import GLOBAL_SETTINGS_ID, AIModelConfig, AuditEntry, GlobalIntegrationSettings
from igny8.services.seed import load_entries, seed_catalogue

SLOT_GUARD = "of the Global Integration Settings; choose another model there before"


@pytest.fixture
def seed(app):
    """Run the seed the way the command does."""
    return lambda **kw: seed_catalogue(app.config["IGNY8_DEFAULT_MODELS"], **kw)


def history(db, object_type: str | None = None) -> list[AuditEntry]:
    """Audit entries, oldest first, optionally of one object type."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return db.session.scalars(query).all()


def model_named(db, name: str) -> AIModelConfig:
    """The catalogue row called `name`, read fresh."""
    db.session.expire_all()
    return db.session.scalars(select(AIModelConfig).filter_by(model_name=name)).one()


def entries_with(name: str, **changes) -> list[dict]:
    """The packaged entries with `changes` applied to the entry called `name`."""
    return [{**entry, **changes} if entry["model_name"] == name else entry
            for entry in load_entries()]


def test_a_first_seed_records_every_row_and_every_slot_as_cli(db, seed):
    report = seed()
    models = db.session.scalars(select(AIModelConfig).order_by(AIModelConfig.id)).all()
    assert len(models) == len(report.created) == 22
    created = history(db, "ai_model")
    assert [(e.action, e.object_id) for e in created] == [("create", str(m.id)) for m in models]
    assert {(e.actor_label, e.actor_id) for e in history(db)} == {("cli", None)}
    mini = created[0]
    assert mini.object_repr == "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens"
    assert mini.changes["model_name"] == [None, "gpt-4o-mini"]
    assert mini.changes["input_price_per_1m"] == [None, "0.15"]
    assert mini.changes["origin"] == [None, "seed"]
    [slots] = history(db, "global_settings")
    assert (slots.action, slots.object_id) == ("create", str(GLOBAL_SETTINGS_ID))
    assert slots.changes == {
        "openai_model": [None, "GPT-4o Mini (gpt-4o-mini)"],
        "dalle_model": [None, "DALL-E 3 (dall-e-3)"],
        "runware_model": [None, "Runware FLUX 1.1 Pro (runware-flux-1.1-pro)"],
        "text_model": [None, "GPT-4o Mini (gpt-4o-mini)"],
    }
    assert len(history(db)) == 23


def test_a_second_seed_records_nothing(db, seed):
    seed()
    seed()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 23


def test_a_refresh_records_the_fields_it_changed(db, seed):
    seed()
    stale = model_named(db, "gpt-4o")
    stale.input_price_per_1m = Decimal("5")
    stale.notes = "old note"
    db.session.commit()
    assert seed().updated == ["openai/gpt-4o"]
    [entry] = history(db)[23:]
    assert (entry.action, entry.object_id, entry.actor_label) == ("update", str(stale.id), "cli")
    assert entry.changes == {"input_price_per_1m": ["5.00", "2.50"],
                             "notes": ["old note", model_named(db, "gpt-4o").notes]}


def test_an_empty_slot_filled_later_is_recorded_as_an_update(db, seed):
    seed()
    settings = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    settings.dalle_model_id = None
    db.session.commit()
    assert seed().slots_filled == {"dalle_model": "dall-e-3"}
    [entry] = history(db)[23:]
    assert (entry.action, entry.object_type, entry.changes) == (
        "update", "global_settings", {"dalle_model": [None, "DALL-E 3 (dall-e-3)"]})


@pytest.mark.parametrize(("changes", "field"), [
    ({"is_active": False}, "is_active"),
    ({"model_type": "image", "price_per_image": "0.04"}, "model_type"),
])
def test_a_refresh_may_not_pull_a_model_out_of_its_global_slot(db, seed, changes, field):
    seed()
    mini = model_named(db, "gpt-4o-mini")
    before = (mini.is_active, mini.model_type, mini.price_per_image, mini.version)
    entries = entries_with("gpt-4o-mini", **changes)
    entries = [{**e, "notes": "refreshed"} if e["model_name"] == "gpt-4o" else e for e in entries]
    report = seed(entries=entries)
    assert report.updated == ["openai/gpt-4o"]  # the rest of the file is still seeded
    reason = report.skipped["openai/gpt-4o-mini"]
    assert reason.startswith(f"{field}: GPT-4o Mini is the OpenAI text model")
    assert SLOT_GUARD in reason
    assert f"  skipped openai/gpt-4o-mini: {reason}" in report.lines()
    mini = model_named(db, "gpt-4o-mini")
    assert (mini.is_active, mini.model_type, mini.price_per_image, mini.version) == before
    settings = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    assert settings.openai_model_id == mini.id and settings.openai_model.is_active
    assert [e.object_repr.split(" (")[0] for e in history(db)[23:]] == ["GPT-4o"]


def test_a_refresh_may_deactivate_a_model_no_slot_uses(db, seed):
    seed()
    report = seed(entries=entries_with("gpt-4o", is_active=False))
    assert (report.updated, report.skipped) == (["openai/gpt-4o"], {})
    assert model_named(db, "gpt-4o").is_active is False
    assert history(db)[23].changes == {"is_active": [True, False]}
