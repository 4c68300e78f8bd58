"""An admin adds, renames, archives and unarchives an account with JavaScript switched off."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from igny8.models import Account
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def no_script_page(browser, live_server, make_user):
    """A signed-in admin's page in a browser context without JavaScript."""
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1280, "height": 800})
    page = context.new_page()
    user = make_user(role="admin", email="admin@igny8.local")
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    yield page
    context.close()


def stored(live_db) -> list[tuple[str, bool]]:
    """(name, archived) of every account."""
    with live_db() as session:
        rows = session.scalars(select(Account).order_by(Account.id)).all()
        return [(account.name, account.is_archived) for account in rows]


def test_admin_manages_an_account_without_javascript(no_script_page, live_server, live_db,
                                                     screenshot):
    page = no_script_page
    page.goto(f"{live_server}/admin/settings/accounts")
    form = page.locator("#add-account")
    form.get_by_label("Account name").fill("  Northwind Media ")
    form.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("Account Northwind Media added.")).to_be_visible()

    page.goto(f"{live_server}/admin/settings/accounts")
    page.locator("#add-account").get_by_label("Account name").fill("NORTHWIND media")
    page.locator("#add-account").get_by_role("button", name="Add account").click()
    expect(page.get_by_text("An account named 'NORTHWIND media' already exists").first
           ).to_be_visible()

    page.goto(f"{live_server}/admin/settings/accounts")
    page.get_by_role("link", name="Northwind Media").click()
    rename = page.locator("#rename-account")
    rename.get_by_label("Name").fill("Northwind Publishing")
    rename.get_by_role("button", name="Rename").click()
    expect(page.get_by_text("renamed from Northwind Media to Northwind Publishing")).to_be_visible()
    page.locator("#archive-account").get_by_role("button", name="Archive").click()
    expect(page.locator("#account-manage .archived-badge")).to_have_text("Archived")
    screenshot(page, "account-archived", full_page=True)

    page.goto(f"{live_server}/admin/settings/accounts")
    expect(page.get_by_text("No accounts found.")).to_be_visible()
    page.get_by_label("Archived accounts").select_option("archived")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#accounts .archived-badge")).to_have_count(1)
    screenshot(page, "accounts-archived-filter", full_page=True)
    page.get_by_role("link", name="Northwind Publishing").click()
    page.locator("#archive-account").get_by_role("button", name="Unarchive").click()
    expect(page.get_by_text("brought back from the archive")).to_be_visible()
    assert stored(live_db) == [("Northwind Publishing", False)]
