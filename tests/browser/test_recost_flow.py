"""An admin previews a re-costing after a past-dated price version and applies it: the run
goes on outside the request and its page refreshes itself until it shows the result."""
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import AccountFactory, TextModelFactory
from tests.ledger import START, add_records, add_version

pytestmark = pytest.mark.browser


@pytest.fixture
def corrected_model(live_db):
    """A model with 60 records; a version dated day 4 changes 36 of them."""
    with live_db():
        model = TextModelFactory(display_name="Recost Model")
        add_version(model)
        add_records(model, [AccountFactory(name="Acme"), AccountFactory(name="Globex")])
        add_version(model, START + timedelta(days=4), input_price_per_1m=Decimal("0.20"))
        return model.id


def test_admin_previews_and_applies_a_recosting(page, sign_in, corrected_model, screenshot):
    sign_in("admin")
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="Re-costing runs").click()
    expect(page.get_by_text("No re-costing has been run yet.")).to_be_visible()
    page.get_by_label("Model").select_option(str(corrected_model))
    page.get_by_label("Since").fill(START.date().isoformat())
    page.get_by_role("button", name="Preview").click()

    expect(page.locator(".recost-summary")).to_contain_text("36 of 60 records of Recost Model")
    expect(page.locator(".recost-accounts")).to_contain_text("Acme")
    expect(page.locator(".recost-accounts")).to_contain_text("Globex")
    screenshot(page, "recost-preview", full_page=True)
    page.get_by_role("button", name="Apply: re-cost 60 records").click()

    expect(page.get_by_text("started.")).to_be_visible()
    expect(page.locator(".recost-status")).to_contain_text("done", timeout=30_000)
    expect(page.locator(".recost-detail")).to_contain_text("60 of 60")
    expect(page.locator(".recost-detail")).to_contain_text("36")
    screenshot(page, "recost-run")
    page.get_by_role("link", name="History of this run").click()
    expect(page.get_by_text("recost", exact=True).first).to_be_visible()
