"""The usage service: where models are used, and the guards on deactivation and deletion."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.errors import ConflictError, ModelInUse, ValidationFailed
from igny8.models import AIModelConfig
from igny8.services import catalogue as catalogue_service
from igny8.services import catalogue_guards
from igny8.services import usage as usage_service
from tests.factories import (
    GlobalSettingsFactory, ImageModelFactory, IntegrationSettingsFactory, TextModelFactory,
)
from tests.helpers.rows import audit_rows


@pytest.fixture
def used(db):
    """A model used by the global OpenAI slot and two accounts, one unused, one image model."""
    text = TextModelFactory(display_name="GPT-4o Mini", model_name="gpt-4o-mini")
    spare = TextModelFactory(display_name="Spare", model_name="spare")
    image = ImageModelFactory(display_name="DALL-E 3", model_name="dall-e-3")
    GlobalSettingsFactory(openai_model_id=text.id, text_model_id=text.id, dalle_model_id=image.id)
    IntegrationSettingsFactory(account__name="Acme", config={"openai_model_id": spare.id})
    # An id stored as a string (as older clients wrote it) still counts.
    IntegrationSettingsFactory(account__name="Beta", config={"text_model_id": str(spare.id),
                                                             "openai_model_id": spare.id})
    IntegrationSettingsFactory(account__name="Gamma", config={"api_key": "x"})
    db.session.commit()
    return text, spare, image


def test_usage_lists_global_slots_and_overriding_accounts(used):
    text, spare, image = used
    usage = usage_service.usage_for([text.id, spare.id, image.id])
    assert usage[text.id].global_slots == ["openai_model", "text_model"]
    assert usage[text.id].global_labels == ["OpenAI text model", "Text model (any provider)"]
    assert usage[text.id].accounts == []
    assert usage[text.id].count == 2
    assert [a.name for a in usage[spare.id].accounts] == ["Acme", "Beta"]
    beta = usage[spare.id].accounts[1]
    assert usage[spare.id].account_slots[beta.id] == ["openai_model", "text_model"]
    assert usage[spare.id].count == 2 and usage[spare.id].global_slots == []
    assert usage[image.id].global_slots == ["dalle_model"]


def test_usage_of_unused_and_empty(used, db):
    lonely = TextModelFactory()
    db.session.commit()
    assert not usage_service.usage_for([lonely.id])[lonely.id].in_use
    assert usage_service.usage_for([]) == {}


def test_usage_runs_a_constant_number_of_queries(used, db, count_queries):
    ids = [m.id for m in TextModelFactory.create_batch(30)] + [m.id for m in used]
    db.session.commit()
    db.session.expire_all()
    with count_queries() as few:
        usage_service.usage_for(ids[:2])
    with count_queries() as many:
        usage_service.usage_for(ids)
    assert few.count == many.count == 2


def test_usage_counts_match_usage_for_in_one_query(used, db, count_queries):
    text, spare, image = used
    lonely = TextModelFactory()
    db.session.commit()
    ids = [text.id, spare.id, image.id, lonely.id]
    with count_queries() as counter:
        counts = usage_service.usage_counts(ids)
    assert counter.count == 1
    # Beta overrides two slots with spare (once as a string) and counts once.
    assert counts == {text.id: 2, spare.id: 2, image.id: 1, lonely.id: 0}
    assert counts == {mid: found.count for mid, found in usage_service.usage_for(ids).items()}
    assert usage_service.usage_counts([]) == {}


def test_deactivating_a_globally_used_model_is_refused_and_nothing_changes(used, db):
    text, spare, _ = used
    with pytest.raises(ModelInUse) as refused:
        catalogue_service.deactivate_models([spare, text])
    assert "GPT-4o Mini" in refused.value.message
    assert "OpenAI text model and Text model (any provider)" in refused.value.message
    db.session.expire_all()
    assert spare.is_active and text.is_active  # the unused one was not deactivated either
    assert audit_rows(db) == []


def test_deactivating_records_audit_and_accounts_fall_back(used, db):
    _, spare, _ = used
    changed = catalogue_service.deactivate_models([spare])
    assert changed == [spare]
    db.session.expire_all()
    assert db.session.get(AIModelConfig, spare.id).is_active is False
    [entry] = audit_rows(db, action="deactivate")
    assert entry.object_id == str(spare.id) and entry.changes == {"is_active": [True, False]}
    assert entry.actor_label == "system"


def test_deactivating_an_inactive_model_is_a_no_op(db):
    model = TextModelFactory(is_active=False)
    db.session.commit()
    assert catalogue_service.deactivate_models([model]) == []
    assert audit_rows(db) == []


def test_activating_an_unpriced_model_is_refused(db):
    priced = TextModelFactory(is_active=False)
    unpriced = TextModelFactory(is_active=False, display_name="Bare", output_price_per_1m=None)
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        catalogue_service.activate_models([priced, unpriced])
    assert "Bare" in refused.value.message and "pricing" in refused.value.message
    assert refused.value.fields == {str(unpriced.id): "missing output_price_per_1m"}
    db.session.expire_all()
    assert not priced.is_active and not unpriced.is_active


def test_activating_and_toggling(db):
    model = ImageModelFactory(is_active=False)
    db.session.commit()
    catalogue_service.toggle_active(model)
    assert db.session.get(AIModelConfig, model.id).is_active
    catalogue_service.toggle_active(model)
    assert not db.session.get(AIModelConfig, model.id).is_active
    assert [e.action for e in audit_rows(db)] == ["activate", "deactivate"]


def test_delete_refused_while_used_lists_the_users(used, db):
    text, spare, _ = used
    with pytest.raises(ModelInUse) as global_use:
        catalogue_service.delete_model(text)
    assert "global setting OpenAI text model" in global_use.value.message
    with pytest.raises(ModelInUse) as account_use:
        catalogue_service.delete_model(spare)
    assert "account Acme, account Beta" in account_use.value.message
    assert db.session.scalar(select(AIModelConfig).where(AIModelConfig.id == spare.id))
    assert audit_rows(db) == []


def test_delete_unused_model_records_every_field(db):
    model = TextModelFactory(display_name="Old", model_name="old-1", aliases=["old"])
    db.session.commit()
    model_id = model.id
    catalogue_service.delete_model(model)
    assert db.session.get(AIModelConfig, model_id) is None
    [entry] = audit_rows(db, action="delete")
    assert entry.object_id == str(model_id)
    assert entry.changes["model_name"] == ["old-1", None]
    assert entry.changes["input_price_per_1m"] == ["0.15", None]
    assert entry.changes["aliases"] == [["old"], None]


# --- audit, locking and the deactivation guard on create/update (services/catalogue.py) --------

def test_create_and_update_record_field_level_audit(db):
    model = catalogue_service.create_model(
        provider="openai", model_type="text", model_name="gpt-x", display_name="GPT X",
        is_active=True, input_price_per_1m="1.5", output_price_per_1m=Decimal("6"))
    [created] = audit_rows(db, action="create")
    assert created.object_id == str(model.id)
    assert created.changes["model_name"] == [None, "gpt-x"]
    assert created.changes["input_price_per_1m"] == [None, "1.50"]
    catalogue_service.update_model(model, expected_version=model.version,
                                   output_price_per_1m=Decimal("7.25"), notes="cheaper soon")
    [updated] = audit_rows(db, action="update")
    assert updated.changes == {"output_price_per_1m": ["6.00", "7.25"],
                               "notes": ["", "cheaper soon"]}
    assert model.version == 2


def test_stale_version_is_a_conflict_and_writes_nothing(db):
    model = TextModelFactory(display_name="Mini")
    db.session.commit()
    catalogue_service.update_model(model, expected_version=1, notes="first")
    with pytest.raises(ConflictError) as conflict:
        catalogue_service.update_model(model, expected_version=1, notes="second")
    assert "Mini was changed by someone else" in conflict.value.message
    db.session.expire_all()
    assert model.notes == "first" and len(audit_rows(db, action="update")) == 1


def test_update_cannot_deactivate_a_global_default(used, db):
    text, _, _ = used
    with pytest.raises(ModelInUse) as refused:
        catalogue_service.update_model(text, is_active=False, notes="retired")
    assert "is the OpenAI text model and Text model (any provider)" in (
        refused.value.fields["is_active"])
    db.session.expire_all()
    assert text.is_active and text.notes == "" and audit_rows(db) == []


def test_failed_update_writes_no_audit(db):
    model = TextModelFactory()
    db.session.commit()
    with pytest.raises(ValidationFailed):
        catalogue_service.update_model(model, input_price_per_1m=Decimal("-1"))
    assert audit_rows(db) == []


def test_toggle_after_a_concurrent_change_is_a_conflict(db):
    model = TextModelFactory(display_name="Raced", is_active=False)
    db.session.commit()
    assert model.version == 1
    table = AIModelConfig.__table__
    db.session.execute(table.update().where(table.c.id == model.id).values(version=2, notes="x"))
    with pytest.raises(ConflictError) as conflict:
        catalogue_service.activate_models([model])
    assert "Raced (test-text-" in conflict.value.message
    assert "changed by someone else" in conflict.value.message
    db.session.expire_all()
    assert not model.is_active and audit_rows(db) == []


def test_account_limit_loads_the_first_accounts_and_counts_the_rest(db, count_queries):
    popular = TextModelFactory(display_name="Popular")
    for number in range(15):
        IntegrationSettingsFactory(account__name=f"Client {number:02d}",
                                   config={"openai_model_id": popular.id})
    db.session.commit()
    popular_id = popular.id  # loads the expired row before counting
    with count_queries() as counter:
        usage = usage_service.usage_for([popular_id], account_limit=10)[popular_id]
    assert counter.count == 3  # global slots, first accounts, the count
    assert [a.name for a in usage.accounts] == [f"Client {n:02d}" for n in range(10)]
    assert usage.account_total == 15 and usage.more_accounts == 5 and usage.count == 15
    whole = usage_service.usage_for([popular.id])[popular.id]
    assert len(whole.accounts) == 15 and whole.more_accounts == 0
    assert usage_service.usage_counts([popular.id]) == {popular.id: 15}
    with pytest.raises(ModelInUse) as refused:
        catalogue_service.delete_model(popular)
    assert "account Client 09, 5 more accounts." in refused.value.message


def test_deactivation_guard_reads_only_the_global_settings(used, db, count_queries):
    text, spare, _ = used
    assert text.id and spare.id  # loads the expired rows before counting
    with count_queries() as counter:
        blockers = catalogue_guards.deactivation_blockers([text, spare])
    assert blockers == {text.id: ["OpenAI text model", "Text model (any provider)"]}
    assert counter.count == 1


@pytest.mark.parametrize("change, field", [
    ({"provider": "anthropic"}, "provider"),
    ({"model_type": "image", "price_per_image": "0.04"}, "model_type"),
])
def test_an_edit_cannot_move_a_global_default_out_of_its_slot(used, db, change, field):
    text, _, _ = used
    with pytest.raises(ValidationFailed) as refused:
        catalogue_service.update_model(text, **change)
    assert "OpenAI text model" in refused.value.fields[field]
    db.session.expire_all()
    assert (text.provider, text.model_type) == ("openai", "text")
    assert audit_rows(db) == []


def test_an_edit_may_change_the_provider_a_slot_does_not_constrain(db):
    model = TextModelFactory(model_name="writer")
    GlobalSettingsFactory(text_model_id=model.id)
    db.session.commit()
    catalogue_service.update_model(model, provider="anthropic")
    db.session.expire_all()
    assert model.provider == "anthropic"
