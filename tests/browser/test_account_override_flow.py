"""An admin overrides an account's text model, sees where it comes from, and clears it again."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from igny8.models import AIModelConfig, IntegrationSettings
from igny8.services.seed import seed_catalogue
from tests.factories import AccountFactory, IntegrationSettingsFactory

pytestmark = pytest.mark.browser

SONNET = "Claude 3.5 Sonnet (claude-3-5-sonnet-20241022)"
SONNET_PRICE = "$3.00/$15.00 per 1M tokens"
SONNET_BADGE = " · retired 2025-10-22"  # the dropdown labels carry the lifecycle badge
MINI = "GPT-4o Mini (gpt-4o-mini)"
OTHER_KEYS = {"webhook_url": "https://northwind.example/hooks/ai"}


@pytest.fixture
def accounts(live_app, live_db) -> dict[str, int]:
    """The shipped catalogue and global defaults; three accounts, one with other config keys."""
    with live_db():
        seed_catalogue(live_app.config["IGNY8_DEFAULT_MODELS"])
        northwind = IntegrationSettingsFactory(
            account=AccountFactory(name="Northwind Media"), config=dict(OTHER_KEYS)).account
        others = [AccountFactory(name=name) for name in ("Blue Fern Studio", "Copper Lane")]
        return {account.name: account.id for account in (northwind, *others)}


def stored_config(live_db, account_id: int) -> dict:
    """The account's IntegrationSettings.config as stored."""
    with live_db() as session:
        query = select(IntegrationSettings.config).where(
            IntegrationSettings.account_id == account_id)
        return session.scalars(query).one()


def save_text_model(page, label: str) -> None:
    """Choose `label` in the account's text model dropdown and save."""
    page.get_by_label("Text model (any provider)").select_option(label=label)
    page.get_by_role("button", name="Save account settings").click()


def test_admin_overrides_and_clears_an_accounts_text_model(
        page, live_db, sign_in, accounts, screenshot):
    sign_in("admin")
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="Account Integration Settings").click()
    page.get_by_role("link", name="Northwind Media").click()
    slot = page.locator("#slot-text_model")
    expect(slot.locator(".effective")).to_have_text(MINI)
    expect(slot.locator(".source")).to_have_text("global default")

    save_text_model(page, f"{SONNET} - {SONNET_PRICE}{SONNET_BADGE}")
    expect(page.get_by_role("status").filter(has_text="saved")).to_have_text(
        f"Settings of Northwind Media saved. Text model (any provider): global default → {SONNET}")
    expect(slot.locator(".effective")).to_have_text(SONNET)
    expect(slot.locator(".source")).to_have_text("account override")
    expect(slot.locator(".price")).to_have_text(SONNET_PRICE)
    expect(page.locator("#slot-openai_model .source")).to_have_text("global default")
    screenshot(page, "account-settings")
    with live_db() as session:
        sonnet_id = session.scalars(select(AIModelConfig.id).where(
            AIModelConfig.model_name == "claude-3-5-sonnet-20241022")).one()
    assert stored_config(live_db, accounts["Northwind Media"]) == {
        **OTHER_KEYS, "text_model_id": sonnet_id}

    save_text_model(
        page, f"Use global default ({MINI} - $0.15/$0.60 per 1M tokens · retires 2027-01-14)")
    expect(page.get_by_role("status").filter(has_text="saved")).to_have_text(
        f"Settings of Northwind Media saved. Text model (any provider): {SONNET} → global default")
    expect(slot.locator(".effective")).to_have_text(MINI)
    expect(slot.locator(".source")).to_have_text("global default")
    expect(slot.locator(".price")).to_have_text("$0.15/$0.60 per 1M tokens")
    assert stored_config(live_db, accounts["Northwind Media"]) == OTHER_KEYS


def test_admin_sets_a_text_model_for_two_accounts_at_once(
        page, live_db, sign_in, accounts, screenshot):
    sign_in("admin")
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="Account Integration Settings").click()
    page.get_by_label("Select Blue Fern Studio").check()
    page.get_by_label("Select Copper Lane").check()
    page.get_by_label("Set for the selected accounts").select_option(
        label=f"{SONNET} - {SONNET_PRICE}{SONNET_BADGE}")
    page.get_by_role("button", name="Review change").click()

    expect(page.get_by_role("heading", name="Confirm bulk change")).to_be_visible()
    expect(page.locator("#bulk-preview tbody tr")).to_have_count(2)
    expect(page.locator(".sidebar .nav-link.active")).to_have_text("Account Integration Settings")
    expect(page.locator("#bulk-preview").get_by_role("link", name="Copper Lane")).to_have_attribute(
        "href", f"/admin/settings/accounts/{accounts['Copper Lane']}")
    page.get_by_role("link", name="Cancel").click()  # back to the list, the ticks kept
    expect(page.get_by_label("Select Blue Fern Studio")).to_be_checked()
    expect(page.get_by_label("Select Copper Lane")).to_be_checked()
    expect(page.get_by_label("Select Northwind Media")).not_to_be_checked()
    expect(page.locator("[data-selected-count]")).to_have_text("2 of 3 selected")
    page.get_by_label("Set for the selected accounts").select_option(
        label=f"{SONNET} - {SONNET_PRICE}{SONNET_BADGE}")
    page.get_by_role("button", name="Review change").click()
    expect(page.locator("#bulk-preview tbody tr")).to_have_count(2)
    screenshot(page, "accounts-bulk-confirm")
    page.get_by_role("button", name="Confirm: change 2 accounts").click()

    expect(page.get_by_role("status").filter(has_text="selected accounts")).to_have_text(
        f"Text model (any provider) set to {SONNET} - {SONNET_PRICE}{SONNET_BADGE} for 2 of 2"
        " selected "
        "accounts.")
    for name in ("Blue Fern Studio", "Copper Lane"):
        expect(page.locator(f"#account-{accounts[name]} [data-column=overrides]")).to_have_text(
            "Text model (any provider)")
    northwind = page.locator(f"#account-{accounts['Northwind Media']} [data-column=overrides]")
    expect(northwind).to_have_text("none — follows the global settings")
    assert set(stored_config(live_db, accounts["Copper Lane"])) == {"text_model_id"}


def test_admin_selects_every_account_on_the_page_and_filters_by_slot(
        page, live_db, sign_in, accounts):
    sign_in("admin")
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="Account Integration Settings").click()
    count = page.locator("[data-selected-count]")
    expect(count).to_have_text("0 of 3 selected: tick the rows first")
    page.get_by_label("Select every row on this page").check()
    expect(page.locator("input[name=account_ids]:checked")).to_have_count(3)
    expect(count).to_have_text("3 of 3 selected")
    page.get_by_label("Select Copper Lane").uncheck()
    expect(count).to_have_text("2 of 3 selected")
    page.get_by_label("Set for the selected accounts").select_option(
        label=f"{SONNET} - {SONNET_PRICE}{SONNET_BADGE}")
    page.get_by_role("button", name="Review change").click()
    expect(page.locator("#bulk-preview tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Confirm: change 2 accounts").click()

    page.get_by_label("Overridden slot").select_option(label="Text model (any provider) (2)")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#accounts tbody tr")).to_have_count(2)
    expect(page.get_by_role("status").filter(has_text="accounts overriding")).to_have_text(
        "2 accounts overriding the Text model (any provider).")
    page.get_by_role("link", name="ID", exact=True).click()
    page.get_by_role("link", name="ID", exact=True).click()  # the second click reverses
    expect(page.locator("#accounts [data-column=name] a")).to_have_text(
        ["Blue Fern Studio", "Northwind Media"])


def test_a_long_unbroken_account_name_wraps_in_the_list(page, live_db, sign_in, accounts):
    with live_db():
        AccountFactory(name="Q" * 150)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in("admin")
    page.goto(page.url.split("/admin")[0] + "/admin/settings/accounts")
    expect(page.get_by_role("link", name="Q" * 150)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # nor does the table scroll sideways inside its box
    assert page.evaluate("(t => t.scrollWidth <= t.parentElement.clientWidth)"
                         "(document.getElementById('accounts'))")
