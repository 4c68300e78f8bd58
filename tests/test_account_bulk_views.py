"""The bulk override change's pages: counts of the accounts that change, a repeated confirm,
Cancel back to the same list with the same ticks, the sidebar and the linked account names."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from igny8.models import AuditEntry, IntegrationSettings
from tests.factories import AccountFactory, IntegrationSettingsFactory
from tests.helpers.pages import page_text, text

ACCOUNTS_URL = "/admin/settings/accounts"
BULK_URL = "/admin/settings/accounts/bulk"
FLUX = "Runware FLUX 1.1 Pro (runware-flux-1.1-pro) - $0.04 per image"

pytestmark = pytest.mark.catalogue("settings", global_settings={
    "openai_model_id": "gpt", "dalle_model_id": "dalle", "runware_model_id": "flux"})


@pytest.fixture
def three(db, catalogue):
    """Three active accounts; Cobalt already overrides the Runware image model with FLUX."""
    cobalt = IntegrationSettingsFactory(account__name="Cobalt",
                                        config={"runware_model_id": catalogue["flux"].id}).account
    amber, birch = AccountFactory(name="Amber"), AccountFactory(name="Birch")
    db.session.commit()
    return {"Amber": amber, "Birch": birch, "Cobalt": cobalt}


def bulk_data(catalogue, accounts, **extra):
    """The bulk form setting the Runware image model to FLUX for `accounts`."""
    return {"account_ids": [account.id for account in accounts],
            "action": f"runware_model:{catalogue['flux'].id}", **extra}


def history_count(db) -> int:
    """How many history entries there are."""
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_the_preview_counts_only_the_accounts_that_change(client, auth, db, catalogue, three):
    auth.login("admin")
    review = client.post(BULK_URL, data=bulk_data(catalogue, three.values()))
    page = page_text(review)
    assert review.status_code == 200
    assert (f"Set Runware image model to {FLUX} for 2 of 3 selected accounts? 1 already uses it"
            " and stays as it is.") in page
    assert "Confirm: change 2 accounts" in page
    cobalt = re.search(rf'<tr id="bulk-account-{three["Cobalt"].id}"[^>]*>(.*?)</tr>',
                       text(review), re.S).group(1)
    assert "no change (already uses it)" in cobalt
    assert len(re.findall(r'<tr id="bulk-account-', text(review))) == 3

    done = client.post(BULK_URL, data=bulk_data(catalogue, three.values(), confirmed="yes"),
                       follow_redirects=True)
    assert (f"Runware image model set to {FLUX} for 2 of 3 selected accounts; 1 already used it."
            in page_text(done))
    assert history_count(db) == 2  # Cobalt is not written


def test_a_repeated_confirm_says_the_change_is_in_effect(client, auth, db, catalogue, three):
    auth.login("admin")
    confirm = bulk_data(catalogue, [three["Amber"]], confirmed="yes")
    first = client.post(BULK_URL, data=confirm, follow_redirects=True)
    assert f"set to {FLUX} for 1 of 1 selected account." in page_text(first)
    second = client.post(BULK_URL, data=confirm, follow_redirects=True)
    assert second.status_code == 200
    assert (f"Runware image model is already {FLUX} for the 1 selected account: nothing changed."
            in page_text(second))
    assert "0 of 1" not in page_text(second)
    assert history_count(db) == 1
    db.session.expire_all()
    config = db.session.scalars(select(IntegrationSettings.config).where(
        IntegrationSettings.account_id == three["Amber"].id)).one()
    assert config == {"runware_model_id": catalogue["flux"].id}


def test_a_preview_with_nothing_to_change_offers_no_confirm(client, auth, db, catalogue, three):
    auth.login("admin")
    page = page_text(client.post(BULK_URL, data=bulk_data(catalogue, [three["Cobalt"]])))
    assert (f"Runware image model is already {FLUX} for the 1 selected account: nothing to"
            " change.") in page
    assert "Confirm:" not in page and "Back to the accounts" in page
    assert history_count(db) == 0


def test_cancel_goes_back_to_the_same_list_with_the_same_ticks(client, auth, db, catalogue,
                                                               three):
    auth.login("admin")
    listing = text(client.get(ACCOUNTS_URL, query_string={"q": "b", "sort": "-id"}))
    assert 'action="/admin/settings/accounts/bulk?q=b&sort=-id" id="bulk-form"' in listing
    ticked = [three["Birch"], three["Cobalt"]]
    review = text(client.post(f"{BULK_URL}?q=b&sort=-id", data=bulk_data(catalogue, ticked)))
    cancel = re.search(r'<a class="btn btn-secondary" href="([^"]+)">Cancel</a>', review).group(1)
    url = urlsplit(cancel)
    assert url.path == ACCOUNTS_URL
    assert parse_qs(url.query) == {"q": ["b"], "sort": ["-id"],
                                   "account_ids": [str(a.id) for a in ticked]}
    back = text(client.get(f"{url.path}?{url.query}"))
    checked = re.findall(r'name="account_ids" value="(\d+)"[^>]* checked', back)
    assert sorted(checked) == sorted(str(a.id) for a in ticked)
    assert 'value="b"' in back and "3 accounts matching “b”" in back  # the search is kept
    assert history_count(db) == 0
    assert 'action="/admin/settings/accounts/bulk?q=b&sort=-id"' in review
    done = client.post(f"{BULK_URL}?q=b&sort=-id",
                       data=bulk_data(catalogue, ticked, confirmed="yes"))
    assert done.status_code == 302 and done.location.endswith(f"{ACCOUNTS_URL}?q=b&sort=-id")


def test_the_bulk_page_highlights_account_settings_and_links_the_names(
        client, auth, db, catalogue, three):
    auth.login("admin")
    review = text(client.post(BULK_URL, data=bulk_data(catalogue, three.values())))
    active = re.findall(r'class="nav-link active" href="([^"]+)"\s*aria-current="page">([^<]+)<',
                        review)
    assert active == [(ACCOUNTS_URL, "Account Integration Settings")]
    for name, account in three.items():
        assert f'<a href="{ACCOUNTS_URL}/{account.id}">{name}</a>' in review
