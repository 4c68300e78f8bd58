"""Price versions: add (now, scheduled, past), correct, the rules, and every write path."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from igny8.errors import ConflictError, ValidationFailed
from igny8.models import AIModelConfig
from igny8.models.audit import AuditEntry
from igny8.models.prices import ModelPriceVersion
from igny8.services import audit, exchange, exchange_apply, price_versions, prices
from igny8.services.catalogue import create_model, update_model
from igny8.services.exchange_records import parse_json
from igny8.services.seed import seed_catalogue
from tests.factories import ImageModelFactory, TextModelFactory

USER = audit.Actor("user", None, "admin@example.com")
FUTURE = datetime(2030, 1, 1, tzinfo=timezone.utc)
PAST = datetime(2026, 1, 1, tzinfo=timezone.utc)
NEW_TEXT = {"input_price_per_1m": "0.20", "output_price_per_1m": "0.80"}


def version_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ModelPriceVersion))


@pytest.fixture
def mini(db):
    """A priced text model with its first version (as the migration leaves every model)."""
    model = create_model(provider="openai", model_type="text", model_name="gpt-4o-mini",
                         display_name="GPT-4o Mini", is_active=True,
                         input_price_per_1m=Decimal("0.15"), output_price_per_1m=Decimal("0.60"))
    return model


def test_creating_a_priced_model_creates_its_first_version(db, mini):
    [first] = price_versions.versions_of(mini.id)
    assert first.input_price_per_1m == Decimal("0.15")
    assert first.output_price_per_1m == Decimal("0.60")
    assert first.created_by == "system"


def test_a_version_from_now_moves_the_columns(db, mini):
    version = prices.add_version(mini.id, NEW_TEXT, USER)
    db.session.expire_all()
    model = db.session.get(AIModelConfig, mini.id)
    assert model.input_price_per_1m == Decimal("0.20") and version.created_by == USER.name
    assert model.label.startswith("GPT-4o Mini (gpt-4o-mini) - $0.20/$0.80")
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "price_version"))
    assert entry.changes["input_price_per_1m"] == [None, "0.20"]
    assert entry.changes["in force: input_price_per_1m"] == ["0.15", "0.20"]


def test_a_scheduled_version_leaves_the_columns_until_it_is_due(db, mini):
    prices.add_version(mini.id, NEW_TEXT, USER, effective_from="2030-01-01T00:00:00Z")
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).input_price_per_1m == Decimal("0.15")
    assert price_versions.scheduled_of(mini.id).input_price_per_1m == Decimal("0.20")
    assert price_versions.scheduled_changes()[mini.id].effective_from.year == 2030


def test_a_past_version_before_the_current_one_leaves_the_columns(db, mini):
    prices.add_version(mini.id, {"input_price_per_1m": "0.10", "output_price_per_1m": "0.40"},
                       USER, effective_from=PAST)
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).input_price_per_1m == Decimal("0.15")
    assert [v.input_price_per_1m for v in price_versions.versions_of(mini.id)] == [
        Decimal("0.10"), Decimal("0.15")]


@pytest.mark.parametrize("values, field, words", [
    ({"input_price_per_1m": "0.2"}, "output_price_per_1m", "required for a text"),
    ({**NEW_TEXT, "price_per_image": "0.04"}, "price_per_image", "does not apply"),
    ({**NEW_TEXT, "tier_threshold_tokens": 200000}, "tier_threshold_tokens", "at least one"),
    ({**NEW_TEXT, "tier_input_price_per_1m": "0.4"}, "tier_input_price_per_1m",
     "needs tier_threshold_tokens"),
    ({**NEW_TEXT, "tier_threshold_tokens": 0, "tier_input_price_per_1m": "0.4"},
     "tier_threshold_tokens", "whole number"),
    ({**NEW_TEXT, "input_price_per_1m": "-1"}, "input_price_per_1m", "0 or more"),
    ({**NEW_TEXT, "input_price_per_1m": 0.2}, "input_price_per_1m", "not 0.2"),
    ({**NEW_TEXT, "colour": "red"}, "colour", "Unknown field"),
])
def test_a_bad_version_is_refused_per_field_and_nothing_is_written(db, mini, values, field,
                                                                   words):
    with pytest.raises(ValidationFailed) as refused:
        prices.add_version(mini.id, values, USER)
    assert words in refused.value.fields[field]
    assert version_count(db) == 1
    assert db.session.get(AIModelConfig, mini.id).input_price_per_1m == Decimal("0.15")


def test_an_image_version_needs_its_price_per_image_and_has_no_tier(db):
    model = ImageModelFactory(model_name="dall-e-3", display_name="DALL-E 3")
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        prices.add_version(model.id, {"tier_threshold_tokens": 5}, USER)
    assert set(refused.value.fields) == {"price_per_image", "tier_threshold_tokens"}
    prices.add_version(model.id, {"price_per_image": "0.05"}, USER)
    assert db.session.get(AIModelConfig, model.id).price_per_image == Decimal("0.05")


def test_a_bad_effective_from_and_an_unknown_model_are_refused(db, mini):
    with pytest.raises(ValidationFailed) as refused:
        prices.add_version(mini.id, NEW_TEXT, USER, effective_from="next tuesday")
    assert "ISO 8601" in refused.value.fields["effective_from"]
    with pytest.raises(ValidationFailed, match="no AI model with id 999"):
        prices.add_version(999, NEW_TEXT, USER)
    assert version_count(db) == 1


def test_two_versions_at_the_same_moment_are_a_conflict(db, mini):
    prices.add_version(mini.id, NEW_TEXT, USER, effective_from=FUTURE)
    with pytest.raises(ConflictError, match="already has a price version starting at 2030"):
        prices.add_version(mini.id, NEW_TEXT, USER, effective_from=FUTURE)
    assert version_count(db) == 2


def test_a_correction_changes_the_version_in_place_audited_before_and_after(db, mini):
    [first] = price_versions.versions_of(mini.id)
    prices.correct_version(first.id, {"input_price_per_1m": "0.12",
                                      "tier_threshold_tokens": 128000,
                                      "tier_input_price_per_1m": "0.30"}, USER)
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).input_price_per_1m == Decimal("0.12")
    assert price_versions.versions_of(mini.id)[0].tier_threshold_tokens == 128000
    [entry] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "price_correction"))
    assert entry.changes["input_price_per_1m"] == ["0.15", "0.12"]
    assert entry.changes["tier_threshold_tokens"] == [None, 128000]
    assert entry.object_type == "ai_model_prices" and entry.object_id == str(mini.id)


def test_a_bad_correction_writes_nothing(db, mini):
    [first] = price_versions.versions_of(mini.id)
    with pytest.raises(ValidationFailed) as refused:
        prices.correct_version(first.id, {"output_price_per_1m": None}, USER)
    assert "required" in refused.value.fields["output_price_per_1m"]
    db.session.expire_all()
    assert price_versions.versions_of(mini.id)[0].output_price_per_1m == Decimal("0.60")
    with pytest.raises(ValidationFailed, match="no price version with id 999"):
        prices.correct_version(999, NEW_TEXT, USER)


def test_an_edit_with_new_prices_adds_a_version_and_unchanged_prices_none(db, mini):
    update_model(mini, notes="checked")
    assert version_count(db) == 1
    update_model(mini, input_price_per_1m=Decimal("0.20"))
    versions = price_versions.versions_of(mini.id)
    assert [v.input_price_per_1m for v in versions] == [Decimal("0.15"), Decimal("0.20")]
    assert versions[1].output_price_per_1m == Decimal("0.60")


def test_an_edit_may_schedule_its_prices_and_set_a_tier(db, mini):
    update_model(mini, input_price_per_1m=Decimal("0.25"), effective_from=FUTURE,
                 tier_threshold_tokens=200000, tier_input_price_per_1m=Decimal("0.50"))
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).input_price_per_1m == Decimal("0.15")
    scheduled = price_versions.scheduled_of(mini.id)
    assert (scheduled.input_price_per_1m, scheduled.tier_threshold_tokens) == (Decimal("0.25"),
                                                                               200000)


def test_an_edit_with_a_half_tier_is_refused(db, mini):
    with pytest.raises(ValidationFailed) as refused:
        update_model(mini, tier_output_price_per_1m=Decimal("1"))
    assert "needs tier_threshold_tokens" in refused.value.fields["tier_output_price_per_1m"]
    assert version_count(db) == 1


def test_scheduling_on_a_model_without_versions_keeps_its_current_price_in_force(db):
    model = TextModelFactory(model_name="old", display_name="Old")  # as before the history
    db.session.commit()
    update_model(model, input_price_per_1m=Decimal("9"), effective_from=FUTURE)
    db.session.expire_all()
    assert db.session.get(AIModelConfig, model.id).input_price_per_1m == Decimal("0.15")
    found = [v.input_price_per_1m for v in price_versions.versions_of(model.id)]
    assert found == [Decimal("0.15"), Decimal("9")]


def test_an_import_with_new_prices_adds_a_version(db, mini):
    document = ('{"format": "igny8-catalogue", "version": 1, "models": [{"provider": "openai",'
                ' "model_type": "text", "model_name": "gpt-4o-mini", "display_name":'
                ' "GPT-4o Mini", "input_price_per_1m": "0.18", "output_price_per_1m": "0.60"}]}')
    exchange_apply.apply(parse_json(document), lambda row: True, USER)
    last = price_versions.versions_of(mini.id)[-1]
    assert last.input_price_per_1m == Decimal("0.18")
    exchange_apply.apply(parse_json(document), lambda row: True, USER)  # unchanged: no version
    assert version_count(db) == 2


def test_the_seed_creates_first_versions_once(db):
    seed_catalogue({})
    count = version_count(db)
    priced = db.session.scalar(select(func.count()).select_from(AIModelConfig).where(
        (AIModelConfig.input_price_per_1m.is_not(None))
        | (AIModelConfig.price_per_image.is_not(None))))
    assert count == priced > 0
    seed_catalogue({})
    assert version_count(db) == count


def test_litellm_above_200k_keys_become_the_long_context_tier(db, mini):
    cost_map = ('{"gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",'
                ' "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07,'
                ' "input_cost_per_token_above_200k_tokens": 3e-07,'
                ' "output_cost_per_token_above_200k_tokens": 1.2e-06}}')
    preview = exchange.preview(exchange.parse(cost_map, "litellm"))
    [row] = [row for row in preview.rows if row.key == "openai/gpt-4o-mini"]
    assert row.status == exchange.CHANGED
    assert row.changes["tier_input_price_per_1m"] == [None, "0.30"]
    exchange_apply.apply(exchange.parse(cost_map, "litellm"), lambda row: True, USER)
    last = price_versions.versions_of(mini.id)[-1]
    assert (last.tier_threshold_tokens, last.tier_input_price_per_1m,
            last.tier_output_price_per_1m) == (200000, Decimal("0.30"), Decimal("1.20"))
    assert last.input_price_per_1m == Decimal("0.15")  # the base prices did not change
    again = exchange.preview(exchange.parse(cost_map, "litellm"))
    assert [r.status for r in again.rows if r.key == "openai/gpt-4o-mini"] == [exchange.UNCHANGED]


def test_a_new_model_cannot_schedule_its_first_prices(db):
    with pytest.raises(ValidationFailed) as refused:
        create_model(provider="openai", model_type="text", model_name="later",
                     display_name="Later", is_active=False, input_price_per_1m=Decimal("1"),
                     output_price_per_1m=Decimal("2"), effective_from=FUTURE)
    assert "cannot schedule its first prices" in refused.value.fields["effective_from"]
    assert version_count(db) == 0
    assert db.session.scalar(select(func.count()).select_from(AIModelConfig)) == 0
