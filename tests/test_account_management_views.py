"""Account management screens: add on the list, rename and archive on the account page."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from igny8.models import Account
from tests.factories import AccountFactory
from tests.helpers.rows import account_history, stored_accounts

ACCOUNTS_URL = "/admin/settings/accounts"

pytestmark = pytest.mark.catalogue("settings")


def text(page: str) -> str:
    """A page's HTML with entities decoded."""
    return unescape(page)


def listed(page: str) -> list[str]:
    """The account names the list shows, in order."""
    row = r'<tr id="account-\d+">\s*(?:<td>.*?</td>)?\s*<td[^>]*><a href="[^"]+">([^<]+)</a>'
    return re.findall(row, page, re.S)


def test_an_admin_adds_an_account_from_the_list(client, auth, db, catalogue):
    auth.login(role="admin")
    page = client.get(ACCOUNTS_URL).get_data(as_text=True)
    assert "Add an account" in page and 'action="/admin/settings/accounts/new"' in page
    response = client.post(f"{ACCOUNTS_URL}/new", data={"name": "  Acme Publishing "})
    [(name, archived)] = stored_accounts(db)
    account_id = db.session.scalar(select(Account.id))
    assert response.status_code == 302
    assert response.location.endswith(f"{ACCOUNTS_URL}/{account_id}")
    assert (name, archived) == ("Acme Publishing", False)
    shown = client.get(response.location).get_data(as_text=True)
    assert "Account Acme Publishing added." in text(shown)
    [(action, actor)] = account_history(db)
    assert action == "create" and "@" in actor


@pytest.mark.parametrize("name, status, message", [
    ("   ", 400, "Account name: This field is required."),
    ("ACME", 409, "An account named 'ACME' already exists"),
])
def test_a_refused_add_shows_the_list_with_the_reason_and_writes_nothing(
        client, auth, db, catalogue, name, status, message):
    AccountFactory(name="Acme")
    db.session.commit()
    auth.login(role="admin")
    response = client.post(f"{ACCOUNTS_URL}/new", data={"name": name})
    assert response.status_code == status
    assert message in text(response.get_data(as_text=True))
    assert stored_accounts(db) == [("Acme", False)] and account_history(db) == []


def test_an_admin_renames_and_archives_then_unarchives(client, auth, db, catalogue):
    account = AccountFactory(name="Acme")
    db.session.commit()
    auth.login(role="admin")
    url = f"{ACCOUNTS_URL}/{account.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="rename-account"' in page and 'id="archive-account"' in page
    renamed = client.post(f"{url}/name", data={"rename-name": "Acme Media", "rename-version": "1"})
    assert renamed.status_code == 302
    archived = client.post(f"{url}/archive", data={"archive-archived": "1",
                                                   "archive-version": "2"})
    assert archived.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Account Acme Media archived." in text(page)
    assert "Archived on" in page and 'value="Unarchive"' in page
    assert stored_accounts(db) == [("Acme Media", True)]
    client.post(f"{url}/archive", data={"archive-archived": "0", "archive-version": "3"})
    assert stored_accounts(db) == [("Acme Media", False)]
    assert [action for action, _ in account_history(db)] == ["update", "archive", "unarchive"]


def test_a_stale_rename_is_409_and_keeps_the_other_change(client, auth, db, catalogue):
    account = AccountFactory(name="Acme")
    db.session.commit()
    auth.login(role="admin")
    url = f"{ACCOUNTS_URL}/{account.id}"
    client.post(f"{url}/name", data={"rename-name": "First", "rename-version": "1"})
    stale = client.post(f"{url}/name", data={"rename-name": "Second", "rename-version": "1"})
    assert stale.status_code == 409
    assert "changed by someone else" in text(stale.get_data(as_text=True))
    blank = client.post(f"{url}/name", data={"rename-name": " ", "rename-version": "2"})
    assert blank.status_code == 400
    assert stored_accounts(db) == [("First", False)]


def test_support_sees_the_state_but_no_forms_and_is_refused_server_side(
        client, auth, db, catalogue):
    account = AccountFactory(name="Acme")
    db.session.commit()
    auth.login(role="support")
    url = f"{ACCOUNTS_URL}/{account.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Account #" in page and "Active" in page
    assert 'id="rename-account"' not in page and 'id="archive-account"' not in page
    assert "Add an account" not in client.get(ACCOUNTS_URL).get_data(as_text=True)
    for path, data in ((f"{ACCOUNTS_URL}/new", {"name": "New"}),
                       (f"{url}/name", {"rename-name": "Other"}),
                       (f"{url}/archive", {"archive-archived": "1"})):
        assert client.post(path, data=data).status_code == 403
    assert stored_accounts(db) == [("Acme", False)] and account_history(db) == []


def test_the_list_hides_archived_accounts_unless_the_filter_asks(client, auth, db, catalogue):
    for name in ("Acme", "Blue Fern", "Copper Lane"):
        AccountFactory(name=name)
    db.session.commit()
    copper = db.session.scalar(select(Account).where(Account.name == "Copper Lane"))
    auth.login(role="admin")
    client.post(f"{ACCOUNTS_URL}/{copper.id}/archive",
                data={"archive-archived": "1", "archive-version": "1"})
    default = client.get(ACCOUNTS_URL).get_data(as_text=True)
    assert listed(default) == ["Acme", "Blue Fern"]
    archived = client.get(f"{ACCOUNTS_URL}?archived=archived").get_data(as_text=True)
    assert listed(archived) == ["Copper Lane"] and "Archived</span>" in archived
    assert f'value="{copper.id}" id="select-{copper.id}"' not in archived  # no bulk checkbox
    both = client.get(f"{ACCOUNTS_URL}?archived=all").get_data(as_text=True)
    assert listed(both) == ["Acme", "Blue Fern", "Copper Lane"]
    assert "3 accounts (active and archived)." in text(both)


def test_every_account_form_carries_a_csrf_token_and_a_post_without_one_is_refused(
        app, client, auth, db, catalogue, monkeypatch):
    account = AccountFactory(name="Acme")
    db.session.commit()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    auth.login(role="admin")
    url = f"{ACCOUNTS_URL}/{account.id}"
    listing = client.get(ACCOUNTS_URL).get_data(as_text=True)
    add_form = re.search(r'<form[^>]*id="add-account".*?</form>', listing, re.S).group(0)
    assert 'name="csrf_token"' in add_form
    page = client.get(url).get_data(as_text=True)
    for form_id, prefix in (("rename-account", "rename-"), ("archive-account", "archive-")):
        form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S).group(0)
        assert f'name="{prefix}csrf_token"' in form, form_id
    refused = client.post(f"{url}/archive", data={"archive-archived": "1"})
    assert refused.status_code == 400
    assert client.post(f"{ACCOUNTS_URL}/new", data={"name": "New"}).status_code == 400
    assert stored_accounts(db) == [("Acme", False)]
