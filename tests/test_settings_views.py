"""Global and account integration settings screens as admins and support staff see them."""
import re

import pytest
from sqlalchemy import select

from igny8.models import AuditEntry, GlobalIntegrationSettings
from tests.factories import (
    AccountFactory,
    GlobalSettingsFactory,
    ImageModelFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)
from tests.helpers.pages import GLOBAL_URL, options, selected, text


def form_data(models, version, **overrides):
    """A complete global form post: every slot's id (or blank) plus the version."""
    data = {name: (str(m.id) if m else "__None") for name, m in models.items()}
    data.update(overrides)
    data["version"] = str(version)
    return data


def test_dropdowns_hold_exactly_the_slot_rule_with_prices(client, auth, catalogue):
    auth.login("admin")
    page = text(client.get(GLOBAL_URL))
    blank = "Not set — use the built-in default"
    assert options(page, "openai_model")[1:] == [
        "GPT-4o (gpt-4o) - $2.50/$10.00 per 1M tokens",
        "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens",
    ]
    assert options(page, "openai_model")[0].startswith(blank)
    assert options(page, "text_model")[1:] == [
        "Claude 3 Haiku (claude-3-haiku) - $0.25/$1.25 per 1M tokens",
        "GPT-4o (gpt-4o) - $2.50/$10.00 per 1M tokens",
        "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens",
    ]
    assert options(page, "dalle_model")[1:] == ["DALL-E 3 (dall-e-3) - $0.04 per image"]
    assert options(page, "runware_model")[1:] == [
        "Runware FLUX 1.1 Pro (runware-flux-1.1-pro) - $0.04 per image"]


def test_admin_saves_ids_with_an_audit_entry(client, auth, db, catalogue):
    auth.login("admin")
    data = form_data({"openai_model": catalogue["gpt4"], "dalle_model": catalogue["dalle"],
                      "runware_model": catalogue["flux"], "text_model": catalogue["claude"]}, 0)
    response = client.post(GLOBAL_URL, data=data, follow_redirects=True)
    assert response.status_code == 200
    assert "Global settings saved. OpenAI text model: not set → GPT-4o (gpt-4o)" in text(response)
    row = db.session.get(GlobalIntegrationSettings, 1)
    assert row.openai_model_id == catalogue["gpt4"].id
    assert row.text_model_id == catalogue["claude"].id
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.object_type, entry.actor_label) == (
        "create", "global_settings", auth.user.email)
    assert entry.changes["runware_model"] == [None, "Runware FLUX 1.1 Pro (runware-flux-1.1-pro)"]
    assert selected(text(client.get(GLOBAL_URL)), "openai_model").startswith("GPT-4o (gpt-4o)")


@pytest.mark.parametrize("bad", ["abc", "99999", "old_gpt", "claude", "dalle"])
def test_bad_choice_is_a_field_error_and_nothing_is_saved(client, auth, db, catalogue, bad):
    GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id)
    db.session.commit()
    auth.login("admin")
    value = str(catalogue[bad].id) if bad in catalogue else bad
    data = form_data({"openai_model": catalogue["gpt"], "dalle_model": catalogue["dalle"],
                      "runware_model": None, "text_model": None}, 1, openai_model=value)
    response = client.post(GLOBAL_URL, data=data)
    page = text(response)
    assert response.status_code == 400
    assert "Global settings not saved. OpenAI text model: Not a valid choice." in page
    assert re.search(r'name="openai_model".*?</select>\s*<div class="invalid-feedback">'
                     r"Not a valid choice</div>", page, re.S)
    db.session.expire_all()
    row = db.session.get(GlobalIntegrationSettings, 1)
    assert (row.openai_model_id, row.dalle_model_id, row.version) == (catalogue["gpt"].id, None, 1)
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_inactive_current_value_is_flagged_and_may_be_kept(client, auth, db, catalogue):
    GlobalSettingsFactory(openai_model_id=catalogue["old_gpt"].id)
    db.session.commit()
    auth.login("admin")
    page = text(client.get(GLOBAL_URL))
    flagged = ("GPT-3.5 Turbo (gpt-3.5-turbo) - $0.15/$0.60 per 1M tokens"
               " — inactive — choose a replacement")
    assert selected(page, "openai_model") == flagged
    assert "Gpt-3.5-turbo is inactive — choose a replacement" in page
    assert flagged not in options(page, "text_model")
    data = form_data({"openai_model": catalogue["old_gpt"], "dalle_model": catalogue["dalle"],
                      "runware_model": None, "text_model": None}, 1)
    response = client.post(GLOBAL_URL, data=data, follow_redirects=True)
    assert "Global settings saved. DALL-E image model: not set → DALL-E 3" in text(response)
    assert "Gpt-3.5-turbo is inactive — choose a replacement" in text(response)
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == catalogue["old_gpt"].id


def test_stale_version_shows_the_conflict(client, auth, db, catalogue):
    GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id)
    db.session.commit()
    auth.login("admin")
    first = form_data({"openai_model": catalogue["gpt4"]}, 1)
    assert client.post(GLOBAL_URL, data=first).status_code == 302
    second = form_data({"openai_model": catalogue["gpt"]}, 1)
    response = client.post(GLOBAL_URL, data=second)
    assert response.status_code == 409
    assert "was changed by someone else since you opened it; reload" in text(response)
    db.session.expire_all()
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == catalogue["gpt4"].id


def test_row_created_by_someone_else_meanwhile_is_a_conflict(client, auth, db, catalogue):
    auth.login("admin")
    GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id)
    db.session.commit()
    response = client.post(GLOBAL_URL, data=form_data({"openai_model": catalogue["gpt4"]}, 0))
    assert response.status_code == 409


def test_support_reads_but_cannot_save(client, auth, db, catalogue):
    GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id)
    db.session.commit()
    auth.login("support")
    page = client.get(GLOBAL_URL)
    assert page.status_code == 200
    assert "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens" in text(page)
    assert "only an admin can change them" in text(page)
    assert "<select" not in text(page)
    response = client.post(GLOBAL_URL, data=form_data({"openai_model": catalogue["gpt4"]}, 1))
    assert response.status_code == 403
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == catalogue["gpt"].id


def test_anonymous_is_sent_to_login(client):
    response = client.get(GLOBAL_URL)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_page_counts_followers_and_overrides(client, auth, db, catalogue):
    AccountFactory.create_batch(3)
    IntegrationSettingsFactory(config={"openai_model_id": catalogue["gpt4"].id})
    IntegrationSettingsFactory(config={"openai_model_id": catalogue["gpt"].id, "x": 1})
    db.session.commit()
    auth.login("admin")
    page = text(client.get(GLOBAL_URL))
    row = re.search(r'<tr id="slot-openai_model">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="followers">3</td>' in row and '<td class="overrides">2</td>' in row
    row = re.search(r'<tr id="slot-dalle_model">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="followers">5</td>' in row and '<td class="overrides">0</td>' in row


@pytest.mark.parametrize("method", ["get", "post"])
def test_query_count_does_not_grow_with_models(client, auth, db, count_queries, method):
    first, second = TextModelFactory.create_batch(2)
    GlobalSettingsFactory(openai_model_id=first.id, text_model_id=first.id)
    auth.login("admin")
    counts = []
    for batch, target in ((50, second), (450, first)):
        TextModelFactory.create_batch(batch)
        ImageModelFactory.create_batch(batch // 50, provider="runware")
        IntegrationSettingsFactory.create_batch(batch // 50, config={"text_model_id": second.id})
        db.session.commit()
        version = db.session.get(GlobalIntegrationSettings, 1).version
        db.session.expire_all()
        data = {"version": str(version), "openai_model": str(target.id)}
        with count_queries() as counter:
            if method == "get":
                response = client.get(GLOBAL_URL)
            else:
                response = client.post(GLOBAL_URL, data=data)
        assert response.status_code == (200 if method == "get" else 302)
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 8, counts
    if method == "post":
        assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == first.id
