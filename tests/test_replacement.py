"""Replace model X with Y everywhere: the preview, the one audited transaction, the refusals,
and a change made between preview and apply detected instead of overwritten."""
import re
from html import unescape

import pytest

from igny8.errors import ConflictError, ModelInUse, ValidationFailed
from igny8.models import AIModelConfig, GlobalIntegrationSettings, IntegrationSettings
from igny8.services import replacement
from tests.factories import (
    AccountFactory, GlobalSettingsFactory, ImageModelFactory, IntegrationSettingsFactory,
    TextModelFactory,
)
from igny8.models import AuditEntry
from tests.helpers.rows import commit


@pytest.fixture
def setup(db):
    """X used by two global slots and three accounts (one in a slot Y cannot fill)."""
    old = TextModelFactory(display_name="Old", model_name="old")
    new = TextModelFactory(display_name="New", model_name="new")
    claude = TextModelFactory(display_name="Claude", model_name="claude", provider="anthropic")
    GlobalSettingsFactory(openai_model=old, text_model=old)
    accounts = {}
    for name, config in {"acme": {"openai_model_id": old.id, "text_model_id": old.id},
                         "beta": {"text_model_id": old.id}, "gamma": {"dalle_model_id": old.id},
                         "delta": {"text_model_id": new.id}}.items():
        accounts[name] = IntegrationSettingsFactory(account=AccountFactory(name=name),
                                                    config=config).account
    commit()
    return {"old": old, "new": new, "claude": claude, **accounts}


def all_entries(db) -> list:
    """Every history entry."""
    return db.session.query(AuditEntry).order_by(AuditEntry.id).all()


def placed(places) -> set[tuple]:
    """(where, slot) pairs of a plan's places."""
    return {(place.where, place.slot) for place in places}


def test_preview_lists_what_moves_and_what_cannot(setup):
    plan = replacement.plan_replacement(setup["old"].id, setup["new"].id)
    assert placed(plan.moves) == {
        ("Global Integration Settings", "openai_model"),
        ("Global Integration Settings", "text_model"),
        ("account acme", "openai_model"), ("account acme", "text_model"),
        ("account beta", "text_model")}
    [blocked] = plan.blocked
    assert (blocked.where, blocked.slot) == ("account gamma", "dalle_model")
    assert blocked.reason == "new is an openai text model, not openai image"


def test_apply_moves_exactly_the_preview_in_one_audited_commit(setup, db):
    old, new = setup["old"], setup["new"]
    plan = replacement.plan_replacement(old.id, new.id)
    applied = replacement.apply_replacement(old.id, new.id, plan.token)
    assert placed(applied.moves) == placed(plan.moves)
    db.session.expire_all()
    row = db.session.get(GlobalIntegrationSettings, 1)
    assert (row.openai_model_id, row.text_model_id) == (new.id, new.id)
    configs = {s.account.name: s.config for s in db.session.query(IntegrationSettings)}
    assert configs["acme"] == {"openai_model_id": new.id, "text_model_id": new.id}
    assert configs["beta"] == {"text_model_id": new.id}
    assert configs["gamma"] == {"dalle_model_id": old.id}  # did not fit: left alone
    actions = sorted((e.action, e.object_type) for e in all_entries(db))
    assert actions == [("replace", "ai_model"), ("update", "account_settings"),
                       ("update", "account_settings"), ("update", "global_settings")]


def test_a_change_between_preview_and_apply_is_detected(setup, db):
    old, new = setup["old"], setup["new"]
    plan = replacement.plan_replacement(old.id, new.id)
    IntegrationSettingsFactory(account=AccountFactory(name="late"),
                               config={"text_model_id": old.id})
    commit()
    with pytest.raises(ConflictError, match="changed since the preview"):
        replacement.apply_replacement(old.id, new.id, plan.token)
    db.session.expire_all()
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == old.id
    assert all_entries(db) == []


def test_a_target_deactivated_meanwhile_is_detected(setup, db):
    old, new = setup["old"], setup["new"]
    plan = replacement.plan_replacement(old.id, new.id)
    new.is_active = False
    commit()
    with pytest.raises(ConflictError):
        replacement.apply_replacement(old.id, new.id, plan.token)


def test_deactivate_after(setup, db):
    old, new = setup["old"], setup["new"]
    plan = replacement.plan_replacement(old.id, new.id)
    replacement.apply_replacement(old.id, new.id, plan.token, deactivate=True)
    db.session.expire_all()
    assert not db.session.get(AIModelConfig, old.id).is_active


def test_deactivate_refused_when_a_global_slot_cannot_move(db):
    image = ImageModelFactory(display_name="Pic")
    text_model = TextModelFactory(display_name="Txt")
    GlobalSettingsFactory(dalle_model=image)
    commit()
    plan = replacement.plan_replacement(image.id, text_model.id)
    assert plan.moves == [] and len(plan.blocked) == 1
    with pytest.raises(ModelInUse):
        replacement.apply_replacement(image.id, text_model.id, plan.token, deactivate=True)
    db.session.expire_all()
    assert db.session.get(AIModelConfig, image.id).is_active


@pytest.mark.parametrize("case", ["same", "unknown"])
def test_bad_targets_are_refused(setup, case):
    target = setup["old"].id if case == "same" else 999_999
    with pytest.raises(ValidationFailed):
        replacement.plan_replacement(setup["old"].id, target)


def visible(response) -> str:
    """The page's text as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(response.get_data(as_text=True))).split())


def test_replace_page_previews_then_applies(client, auth, setup, db):
    old, new = setup["old"], setup["new"]
    auth.login("admin")
    page = client.get(f"/admin/ai-models/{old.id}/replace?target={new.id}")
    shown = visible(page)
    assert page.status_code == 200 and "5 places move to New" in shown
    assert "account gamma: DALL-E image model — new is an openai text model" in shown
    token = re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post(f"/admin/ai-models/{old.id}/replace",
                       data={"target": new.id, "token": token, "deactivate": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(GlobalIntegrationSettings, 1).text_model_id == new.id
    assert not db.session.get(AIModelConfig, old.id).is_active


def test_replace_page_shows_a_stale_preview_as_a_conflict(client, auth, setup, db):
    old, new = setup["old"], setup["new"]
    auth.login("admin")
    refused = client.post(f"/admin/ai-models/{old.id}/replace",
                          data={"target": new.id, "token": "not-the-preview"})
    assert refused.status_code == 409 and "changed since the preview" in visible(refused)
    db.session.expire_all()
    assert db.session.get(GlobalIntegrationSettings, 1).text_model_id == old.id


def test_replace_is_for_admins_only(client, auth, setup):
    auth.login("support")
    assert client.get(f"/admin/ai-models/{setup['old'].id}/replace").status_code == 403


def test_guards_offer_the_replacement(client, auth, setup):
    auth.login("admin")
    old = setup["old"]
    page = client.get(f"/admin/ai-models/{old.id}/delete").get_data(as_text=True)
    assert f"/admin/ai-models/{old.id}/replace" in page
    bulk = client.post("/admin/ai-models/bulk", data={"action": "deactivate", "ids": old.id})
    assert f"/admin/ai-models/{old.id}/replace" in bulk.get_data(as_text=True)
