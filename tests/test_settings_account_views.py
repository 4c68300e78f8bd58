"""Account integration settings screens: list, per-account overrides, bulk set/clear."""
import re
from datetime import datetime, timezone
from html import unescape

import pytest
from sqlalchemy import select

from igny8.models import AuditEntry, IntegrationSettings
from tests.factories import (
    AccountFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)
from tests.helpers.pages import options, selected, text

ACCOUNTS_URL = "/admin/settings/accounts"
BULK_URL = "/admin/settings/accounts/bulk"


pytestmark = pytest.mark.catalogue("settings", global_settings={
    "openai_model_id": "gpt", "dalle_model_id": "dalle", "runware_model_id": "flux"})


def slot_row(page: str, slot: str) -> dict[str, str]:
    """Effective model, source and price cells of one slot row on the account page."""
    row = re.search(rf'<tr id="slot-{slot}">(.*?)</tr>', page, re.S).group(1)
    cells = dict(re.findall(r'<td class="(\w+)">(.*?)</td>', row, re.S))
    return {key: unescape(value).strip() for key, value in cells.items()}


def account_url(account) -> str:
    """The account's settings page."""
    return f"{ACCOUNTS_URL}/{account.id}"


def test_list_searches_paginates_and_names_overridden_slots(client, auth, db, catalogue):
    AccountFactory.create_batch(30)
    acme = IntegrationSettingsFactory(
        account__name="Acme Corp",
        config={"openai_model_id": catalogue["gpt4"].id, "text_model_id": None}).account
    db.session.commit()
    auth.login("support")
    page = text(client.get(ACCOUNTS_URL, query_string={"q": "acme"}))
    assert "1 account matching “acme”" in page
    row = re.search(rf'<tr id="account-{acme.id}">(.*?)</tr>', page, re.S).group(1)
    assert "OpenAI text model" in row and "Text model (any provider)" not in row
    assert 'name="account_ids"' not in page  # support cannot select for bulk changes
    first, second = text(client.get(ACCOUNTS_URL)), text(client.get(ACCOUNTS_URL + "?page=2"))
    assert "31 accounts" in first and "Page 1 of 2" in first and "Page 2 of 2" in second
    assert len(re.findall(r'<tr id="account-', first)) == 25
    assert len(re.findall(r'<tr id="account-', second)) == 6


def test_account_page_shows_effective_model_source_and_price(client, auth, db, catalogue):
    settings = IntegrationSettingsFactory(config={
        "openai_model_id": catalogue["gpt4"].id, "dalle_model_id": 4242,
        "runware_model_id": catalogue["old_gpt"].id, "text_model_id": "gpt-4o"})
    db.session.commit()
    auth.login("support")
    page = text(client.get(account_url(settings.account)))
    assert slot_row(page, "openai_model") == {
        "effective": "GPT-4o (gpt-4o)", "source": "account override",
        "price": "$2.50/$10.00 per 1M tokens"}
    assert slot_row(page, "dalle_model")["source"] == "global default"
    assert slot_row(page, "runware_model") == {
        "effective": "Runware FLUX 1.1 Pro (runware-flux-1.1-pro)", "source": "global default",
        "price": "$0.04 per image"}
    assert slot_row(page, "text_model") == {
        "effective": "GPT-4o Mini (gpt-4o-mini)", "source": "fallback default",
        "price": "$0.15/$0.60 per 1M tokens"}
    assert "The override 4242 points at no existing model; it is ignored," in page
    assert "The override 'gpt-4o' is not a model id; it is ignored," in page
    assert "gpt-3.5-turbo is an openai text model, not runware image" in page
    assert "only an admin can change them" in page and "<select" not in page


def test_dropdowns_offer_global_default_first_then_priced_models(client, auth, db, catalogue):
    settings = IntegrationSettingsFactory(config={"openai_model_id": catalogue["old_gpt"].id})
    db.session.commit()
    auth.login("admin")
    page = text(client.get(account_url(settings.account)))
    assert options(page, "openai_model") == [
        "Use global default (GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens)",
        "GPT-3.5 Turbo (gpt-3.5-turbo) - $0.15/$0.60 per 1M tokens"
        " — inactive — choose a replacement",
        "GPT-4o (gpt-4o) - $2.50/$10.00 per 1M tokens",
        "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens",
    ]
    assert selected(page, "openai_model").startswith("GPT-3.5 Turbo")
    assert selected(page, "dalle_model") == (
        "Use global default (DALL-E 3 (dall-e-3) - $0.04 per image)")
    assert [o.split(" (")[0] for o in options(page, "text_model")[1:]] == [
        "Claude 3 Haiku", "GPT-4o", "GPT-4o Mini"]


def test_save_sets_and_clears_overrides_keeping_other_keys(client, auth, db, catalogue):
    settings = IntegrationSettingsFactory(
        config={"api_key": "secret", "dalle_model_id": catalogue["dalle"].id})
    db.session.commit()
    auth.login("admin")
    data = {"version": "1", "openai_model": str(catalogue["claude"].id)}
    response = client.post(account_url(settings.account), data=data)
    assert response.status_code == 400
    assert "OpenAI text model: Not a valid choice" in text(response)
    data = {"version": "1", "openai_model": str(catalogue["gpt4"].id), "dalle_model": "__None",
            "text_model": str(catalogue["claude"].id)}
    response = client.post(account_url(settings.account), data=data, follow_redirects=True)
    assert "OpenAI text model: global default → GPT-4o (gpt-4o)" in text(response)
    assert "DALL-E image model: DALL-E 3 (dall-e-3) → global default" in text(response)
    db.session.expire_all()
    assert db.session.get(IntegrationSettings, settings.id).config == {
        "api_key": "secret", "openai_model_id": catalogue["gpt4"].id,
        "text_model_id": catalogue["claude"].id}
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.object_type, entry.object_id) == ("account_settings", str(settings.account.id))
    stale = client.post(account_url(settings.account), data={**data, "openai_model": "__None"})
    assert stale.status_code == 409 and "changed by someone else" in text(stale)


def test_support_cannot_save_account_settings(client, auth, db, catalogue):
    account = AccountFactory()
    db.session.commit()
    auth.login("support")
    data = {"version": "0", "openai_model": str(catalogue["gpt4"].id)}
    assert client.post(account_url(account), data=data).status_code == 403
    assert client.post(BULK_URL, data={"account_ids": [account.id],
                                       "action": "openai_model:clear"}).status_code == 403
    assert db.session.scalars(select(IntegrationSettings)).all() == []


def test_unknown_account_is_404(client, auth, catalogue):
    auth.login("admin")
    assert client.get(f"{ACCOUNTS_URL}/9999").status_code == 404


def test_bulk_change_asks_for_confirmation_then_applies(client, auth, db, catalogue):
    first = IntegrationSettingsFactory(config={"api_key": "a"}).account
    second = AccountFactory()
    untouched = AccountFactory()
    db.session.commit()
    auth.login("admin")
    action = f"runware_model:{catalogue['flux'].id}"
    data = {"account_ids": [first.id, second.id], "action": action}
    review = client.post(BULK_URL, data=data)
    page = " ".join(re.sub(r"<[^>]+>", "", text(review)).split())
    assert review.status_code == 200
    assert ("Set Runware image model to Runware FLUX 1.1 Pro (runware-flux-1.1-pro)"
            " - $0.04 per image for 2 accounts?") in page
    assert "Confirm: change 2 accounts" in page
    assert db.session.scalars(select(IntegrationSettings)).all()[0].config == {"api_key": "a"}
    done = client.post(BULK_URL, data={**data, "confirmed": "yes"}, follow_redirects=True)
    assert "for 2 of 2 selected accounts" in text(done)
    db.session.expire_all()
    rows = db.session.scalars(select(IntegrationSettings))
    configs = {row.account_id: row.config for row in rows}
    assert configs == {first.id: {"api_key": "a", "runware_model_id": catalogue["flux"].id},
                       second.id: {"runware_model_id": catalogue["flux"].id}}
    assert untouched.id not in configs
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.object_id)).all()
    assert sorted(e.object_id for e in entries) == sorted([str(first.id), str(second.id)])
    clear = {"account_ids": [first.id], "action": "runware_model:clear", "confirmed": "yes"}
    client.post(BULK_URL, data=clear)
    db.session.expire_all()
    assert db.session.get(IntegrationSettings, first.integration_settings.id).config == {
        "api_key": "a"}


@pytest.mark.parametrize("data, message", [
    ({"action": "openai_model:clear"}, "select at least one account"),
    ({"account_ids": ["1"], "action": "openai_model:999"}, "choose a valid change"),
    ({"account_ids": ["1"], "action": "bogus:clear"}, "choose a valid change"),
    ({"account_ids": ["4242"], "action": "openai_model:clear"}, "Unknown accounts: 4242"),
])
def test_bad_bulk_requests_change_nothing(client, auth, db, catalogue, data, message):
    AccountFactory()
    db.session.commit()
    auth.login("admin")
    response = client.post(BULK_URL, data={**data, "confirmed": "yes"})
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalars(select(IntegrationSettings)).all() == []


def test_inactive_model_cannot_be_bulk_applied(client, auth, db, catalogue):
    account = AccountFactory()
    db.session.commit()
    auth.login("admin")
    data = {"account_ids": [account.id], "action": f"openai_model:{catalogue['old_gpt'].id}",
            "confirmed": "yes"}
    assert client.post(BULK_URL, data=data).status_code == 400
    assert db.session.scalars(select(IntegrationSettings)).all() == []


def test_list_and_account_page_run_constant_queries(client, auth, db, catalogue, count_queries):
    account = IntegrationSettingsFactory(config={"openai_model_id": catalogue["gpt4"].id}).account
    auth.login("admin")
    counts = {"list": [], "account": []}
    for batch in (40, 400):
        IntegrationSettingsFactory.create_batch(batch, config={"dalle_model_id": 4242})
        TextModelFactory.create_batch(batch)
        db.session.commit()
        for name, url in (("list", ACCOUNTS_URL), ("account", account_url(account))):
            db.session.expire_all()
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts[name].append(counter.count)
    assert counts["list"][0] == counts["list"][1] <= 8, counts
    assert counts["account"][0] == counts["account"][1] <= 12, counts


def test_search_treats_wildcards_as_text(client, auth, db, catalogue):
    AccountFactory(name="100% Organic")
    AccountFactory(name="Plain")
    db.session.commit()
    auth.login("admin")
    page = text(client.get(ACCOUNTS_URL, query_string={"q": "%"}))
    assert "1 account matching “%”" in page and "100% Organic" in page


def csrf_token(page: str) -> str:
    """The CSRF token of the page's first form that carries one."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_forms_carry_csrf_tokens(client, auth, db, catalogue, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    account = AccountFactory()
    db.session.commit()
    auth.login("admin")
    data = {"account_ids": [account.id], "action": f"dalle_model:{catalogue['dalle'].id}"}
    assert client.post(BULK_URL, data=data).status_code == 400
    token = csrf_token(text(client.get(ACCOUNTS_URL)))
    review = text(client.post(BULK_URL, data={**data, "csrf_token": token}))
    confirm = {**data, "confirmed": "yes", "csrf_token": csrf_token(review)}
    assert client.post(BULK_URL, data=confirm).status_code == 302
    assert account.integration_settings.config == {"dalle_model_id": catalogue["dalle"].id}
    page = text(client.get("/admin/settings/global"))
    settings_form = page.split('action="/admin/settings/global"')[1]
    form = {"version": "1", "csrf_token": csrf_token(settings_form)}
    assert client.post("/admin/settings/global", data=form).status_code == 302


def test_an_archived_account_posted_by_hand_is_not_changed_in_bulk(client, auth, db, catalogue):
    active = AccountFactory(name="Acme")
    archived = AccountFactory(name="Old Co", archived_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
    db.session.commit()
    auth.login("admin")
    data = {"account_ids": [active.id, archived.id], "confirmed": "yes",
            "action": f"dalle_model:{catalogue['dalle'].id}"}
    response = client.post(BULK_URL, data=data)
    assert response.status_code == 400
    assert "Archived accounts are not changed in bulk: Old Co" in text(response)
    assert db.session.scalars(select(IntegrationSettings)).all() == []
