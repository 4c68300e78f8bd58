"""Edit conflicts on the model form, the global settings and an account's settings: their
change next to mine, my typing kept, "apply my change to the latest version" and a reload link."""
import re
from decimal import Decimal

from igny8.models import AIModelConfig, GlobalIntegrationSettings, IntegrationSettings
from tests.factories import AccountFactory, GlobalSettingsFactory, IntegrationSettingsFactory
from tests.helpers.pages import CATALOGUE_URL, form_values, text

GLOBAL_URL = "/admin/settings/global"


def conflict_rows(page: str) -> list[list[str]]:
    """The conflict table's rows as [field, when opened, now, yours] texts."""
    table = re.search(r'<table class="[^"]*conflict-table">(.*?)</table>', page, re.S)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in row] for row in cells]


def test_model_conflict_shows_both_changes_and_applies_mine(client, auth, catalogue, db):
    mini = catalogue["gpt"]
    auth.login("admin")
    url = f"{CATALOGUE_URL}/{mini.id}/edit"
    theirs = form_values(client.get(url).get_data(as_text=True), "model-form")
    mine = dict(theirs, notes="mine: cheaper soon")
    assert client.post(url, data=dict(theirs, output_price_per_1m="0.70")).status_code == 302

    response = client.post(url, data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "was changed by someone else since you opened it" in text(response)
    assert conflict_rows(page) == [
        ["Output price", "0.60", "0.70 changed", "0.60 (not changed by you: theirs is kept)"],
        ["Notes", "—", "—", "mine: cheaper soon yours"],
    ], conflict_rows(page)
    assert f'href="{url}"' in page and "Reload the latest version" in page  # a GET link
    merged = form_values(page, "model-form")
    assert merged["notes"] == "mine: cheaper soon" and merged["version"] == "2"
    db.session.expire_all()
    assert mini.notes != "mine: cheaper soon"  # nothing saved by the refused post

    assert client.post(url, data=merged).status_code == 302  # "Apply my change"
    db.session.expire_all()
    assert mini.notes == "mine: cheaper soon" and mini.output_price_per_1m == Decimal("0.70")
    assert mini.version == 3


def test_global_conflict_shows_the_conflict_not_an_invalid_choice(client, auth, catalogue, db):
    GlobalSettingsFactory(openai_model_id=catalogue["gpt"].id,
                          runware_model_id=catalogue["flux"].id)
    db.session.commit()
    auth.login("admin")
    loaded = form_values(client.get(GLOBAL_URL).get_data(as_text=True))
    # Someone else moves the Runware slot off a model and deactivates it meanwhile.
    other = dict(loaded, runware_model="__None")
    assert client.post(GLOBAL_URL, data=other).status_code == 302
    db.session.get(AIModelConfig, catalogue["flux"].id).is_active = False
    db.session.commit()

    mine = dict(loaded, openai_model=str(catalogue["gpt4"].id))
    response = client.post(GLOBAL_URL, data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Not a valid choice" not in page
    rows = {row[0]: row[1:] for row in conflict_rows(page)}
    assert rows["OpenAI text model"][2].startswith("GPT-4o (gpt-4o)")
    assert rows["Runware image model"][0].startswith("Runware FLUX 1.1 Pro")
    assert rows["Runware image model"][1].startswith("Not set")
    merged = form_values(page)
    assert merged["runware_model"] == "__None" and merged["openai_model"] == str(
        catalogue["gpt4"].id)
    assert client.post(GLOBAL_URL, data=merged).status_code == 302
    db.session.expire_all()
    row = db.session.get(GlobalIntegrationSettings, 1)
    assert (row.openai_model_id, row.runware_model_id) == (catalogue["gpt4"].id, None)


def test_account_conflict_keeps_mine_and_applies_it(client, auth, catalogue, db):
    settings = IntegrationSettingsFactory(account=AccountFactory(name="Acme Ltd"),
                                          config={"openai_model_id": catalogue["gpt"].id})
    db.session.commit()
    auth.login("admin")
    url = f"/admin/settings/accounts/{settings.account.id}"
    loaded = form_values(client.get(url).get_data(as_text=True))
    other = dict(loaded, dalle_model=str(catalogue["dalle"].id))
    assert client.post(url, data=other).status_code == 302
    response = client.post(url, data=dict(loaded, openai_model=str(catalogue["gpt4"].id)))
    assert response.status_code == 409
    rows = {row[0]: row[1:] for row in conflict_rows(response.get_data(as_text=True))}
    assert rows["DALL-E image model"][1].startswith("DALL-E 3")
    assert rows["OpenAI text model"][2].startswith("GPT-4o (gpt-4o)")
    merged = form_values(response.get_data(as_text=True))
    assert set(rows) == {"OpenAI text model", "DALL-E image model"}
    assert client.post(url, data=merged).status_code == 302
    db.session.expire_all()
    config = db.session.get(IntegrationSettings, settings.id).config
    assert config["openai_model_id"] == catalogue["gpt4"].id
    assert config["dalle_model_id"] == catalogue["dalle"].id
