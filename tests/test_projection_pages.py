"""The model page's projection section, the global settings preview and the bulk preview."""
from __future__ import annotations

import pytest

import re

from sqlalchemy import select

from igny8.extensions import db
from igny8.models import AuditEntry, GlobalIntegrationSettings, IntegrationSettings
from tests.factories import (
    AccountFactory,
    GlobalSettingsFactory,
    ImageModelFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)
from tests.helpers.pages import GLOBAL_URL, selected, text
from tests.ledger import record, version


@pytest.fixture
def models(app):
    """Three OpenAI text models with prices since 1970, and an image model."""
    mini = TextModelFactory(model_name="mini", display_name="Mini")
    big = TextModelFactory(model_name="big", display_name="Big")
    cheap = TextModelFactory(model_name="cheap", display_name="Cheap")
    image = ImageModelFactory(model_name="img", display_name="Img")
    version(mini, "1970-01-01", input_price_per_1m="1", output_price_per_1m="2")
    version(big, "1970-01-01", input_price_per_1m="10", output_price_per_1m="20")
    version(cheap, "2026-11-20", input_price_per_1m="0.5", output_price_per_1m="1")
    version(image, "1970-01-01", price_per_image="0.04")
    db.session.commit()
    return {m.model_name: m for m in (mini, big, cheap, image)}


def page_of(client, model_id: int) -> str:
    """The model page's text."""
    response = client.get(f"/admin/ai-models/{model_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_model_page_projects_the_other_models_usage(client, auth, models):
    alpha = AccountFactory(name="Alpha")
    record(alpha, models["mini"], "2026-11-25 10:00", 1000, 0, 1000)  # 0.003 -> 0.0015
    record(alpha, models["big"], "2026-11-28 10:00", 1000, 0, 0)  # 0.01 -> 0.0005
    record(alpha, models["big"], "2026-10-01 10:00", 1000, 0, 0)  # before the 30 days
    record(alpha, models["mini"], "2026-11-10 10:00", 1000, 0, 0)  # cheap had no price yet
    record(alpha, models["img"], "2026-11-25 10:00", images=3)  # another type
    db.session.commit()
    auth.login(role="support")
    page = page_of(client, models["cheap"].id)
    assert "Last 30 days if the platform had used this model" in page
    assert "from 2026-11-02 to 2026-12-01" in page
    rows = page.split('id="projection-table"')[1].split("</table>")[0]
    assert rows.index(">Big</a>") < rows.index(">Mini</a>")  # most expensive first
    assert "$0.01</td>" in rows and "$0.0005</td>" in rows and "-$0.0095 (-95.00%)" in rows
    assert "$0.003</td>" in rows and "$0.0015</td>" in rows and "-$0.0015 (-50.00%)" in rows
    assert ("1 record ($0.001) from 2026-11-10 to 2026-11-10 left out: Cheap had no price"
            " then.") in rows
    assert "Img" not in rows


def test_a_model_without_other_usage_says_so(client, auth, models):
    auth.login(role="support")
    assert "No other text model had usage in these 30 days." in page_of(client, models["mini"].id)


def test_the_model_page_runs_as_many_queries_for_many_sources(client, auth, models,
                                                              count_queries):
    """The section adds a constant number of queries, whatever the sources and accounts."""
    auth.login(role="support")
    cheap_id = models["cheap"].id  # before the commit expires it, as it is before the second
    alpha, beta = AccountFactory(name="Alpha"), AccountFactory(name="Beta")
    record(alpha, models["mini"], "2026-11-25 10:00", 1000, 0, 1000)
    db.session.commit()
    with count_queries() as one:
        page_of(client, cheap_id)
    for account in (alpha, beta):
        for name in ("mini", "big"):
            record(account, models[name], "2026-11-26 10:00", 1000, 0, 1000)
    db.session.commit()
    with count_queries() as two:
        page = page_of(client, cheap_id)
    assert ">Big</a>" in page and ">Mini</a>" in page
    assert len(two.statements) == len(one.statements)


@pytest.fixture
def followers(models):
    """Global OpenAI text model: Mini; Alpha follows it, Beta overrides it with Big."""
    GlobalSettingsFactory(openai_model_id=models["mini"].id)
    alpha = AccountFactory(name="Alpha")
    beta = IntegrationSettingsFactory(account=AccountFactory(name="Beta"),
                                      config={"openai_model_id": models["big"].id}).account
    record(alpha, models["mini"], "2026-11-25 10:00", 1000, 0, 1000)  # 0.003
    record(beta, models["big"], "2026-11-26 10:00", 1000, 0, 0)  # 0.01
    record(beta, models["mini"], "2026-11-26 10:00", 1000, 0, 0)  # not Beta's model now
    db.session.commit()
    return alpha.id, beta.id


def global_form(models, **chosen) -> dict:
    """The global form with every slot blank but `chosen` (slot -> model key), version 1."""
    data = {name: "__None" for name in ("openai_model", "dalle_model", "runware_model",
                                        "text_model")}
    data.update({name: str(models[key].id) for name, key in chosen.items()})
    return {**data, "openai_model": data["openai_model"] if "openai_model" in chosen
            else str(models["mini"].id), "version": "1"}


def flat(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def test_the_global_preview_shows_the_followers_cost_and_saves_nothing(client, auth, models,
                                                                       followers):
    auth.login("admin")
    data = global_form(models, openai_model="big")
    response = client.post(GLOBAL_URL, data={**data, "preview": "Preview cost"})
    assert response.status_code == 200
    page = flat(response)
    assert "Cost preview: the last 30 days at the models chosen" in page
    # Alpha only: 1000 x $10 + 1000 x $20 per 1M = $0.03 against $0.003 on Mini.
    assert "OpenAI text model Mini → Big 1 $0.003 $0.03 $0.027 (+900.00%)" in page
    assert selected(text(response), "openai_model").startswith("Big")  # kept to be saved
    db.session.expire_all()
    row = db.session.get(GlobalIntegrationSettings, 1)
    assert (row.openai_model_id, row.version) == (models["mini"].id, 1)
    assert db.session.scalars(select(AuditEntry)).all() == []
    saved = client.post(GLOBAL_URL, data=data)
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == models["big"].id


def test_the_global_preview_without_changes_says_so(client, auth, models, followers):
    auth.login("admin")
    response = client.post(GLOBAL_URL, data={**global_form(models), "preview": "Preview cost"})
    assert "No slot changes: there is nothing to preview." in flat(response)


def test_the_global_form_offers_the_preview_button(client, auth, models, followers):
    auth.login("admin")
    page = text(client.get(GLOBAL_URL))
    assert 'name="preview" type="submit" value="Preview cost"' in page


def test_the_bulk_preview_shows_the_selected_accounts_difference(client, auth, models,
                                                                 followers):
    alpha, beta = followers
    auth.login("admin")
    response = client.post("/admin/settings/accounts/bulk", data={
        "account_ids": [alpha, beta], "action": f"openai_model:{models['cheap'].id}"})
    assert response.status_code == 200
    page = flat(response)
    # Alpha on Mini 0.003 -> 0.0015 at Cheap; Beta on Big 0.01 -> 0.0005; Beta's Mini is not
    # its current model: -0.011 of 0.013.
    assert ("cost $0.013 ; at Cheap's prices it would have cost $0.002 : a difference of"
            " -$0.011 (-84.62%)") in page
    assert f"Beta #{beta} Big (big) Cheap (cheap) $0.01 $0.0005 -$0.0095" in page
    assert "(cheap) $0.003 $0.0015 -$0.0015" in page
    db.session.expire_all()
    assert [row.config for row in db.session.scalars(select(IntegrationSettings))] == [
        {"openai_model_id": models["big"].id}]


def test_the_preview_needs_the_forms_csrf_token(app, client, auth, models, followers,
                                                monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    auth.login("admin")
    page = text(client.get(GLOBAL_URL))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {**global_form(models, openai_model="big"), "preview": "Preview cost"}
    refused = client.post(GLOBAL_URL, data=data)
    assert refused.status_code == 400 and "Cost preview" not in text(refused)
    shown = client.post(GLOBAL_URL, data={**data, "csrf_token": token})
    assert shown.status_code == 200 and "Cost preview" in text(shown)
    assert 'name="csrf_token"' in text(shown)  # the form to save carries a token again
    db.session.expire_all()
    assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == models["mini"].id
