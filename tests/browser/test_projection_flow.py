""""What would it cost if we switch?" in Chromium: the model page's 30-day projection, and the
cost preview on the global settings form before saving."""
import pytest
from playwright.sync_api import expect

from igny8.extensions import db
from igny8.models import GlobalIntegrationSettings
from tests.factories import AccountFactory, GlobalSettingsFactory, TextModelFactory
from tests.ledger import record, version

pytestmark = pytest.mark.browser


@pytest.fixture
def switch(live_db):
    """Mini (global OpenAI text model) and Big, priced since 1970; Alpha follows the global
    default and ran 1,000 input + 1,000 output tokens on Mini within the last 30 days."""
    with live_db():
        mini = TextModelFactory(model_name="mini", display_name="Mini")
        big = TextModelFactory(model_name="big", display_name="Big")
        version(mini, "1970-01-01", input_price_per_1m="1", output_price_per_1m="2")
        version(big, "1970-01-01", input_price_per_1m="10", output_price_per_1m="20")
        GlobalSettingsFactory(openai_model_id=mini.id)
        record(AccountFactory(name="Alpha"), mini, "2026-11-25 10:00", 1000, 0, 1000)  # $0.003
        return {"mini": mini.id, "big": big.id}


def test_the_model_page_shows_what_the_last_30_days_would_have_cost_on_it(
        page, sign_in, live_server, switch, screenshot):
    sign_in("support")
    page.goto(f"{live_server}/admin/ai-models/{switch['big']}")
    section = page.locator("#projection-table")
    expect(page.get_by_text("Last 30 days if the platform had used this model")).to_be_visible()
    expect(section).to_be_visible()
    row = section.locator("tbody tr").filter(has_text="Mini")
    # 1,000 x $10 + 1,000 x $20 per 1M tokens = $0.03 against $0.003 on Mini.
    expect(row).to_contain_text("$0.003")
    expect(row).to_contain_text("$0.03")
    expect(row).to_contain_text("$0.027 (+900.00%)")
    box = section.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    screenshot(page, "model-projection")


def test_the_global_form_previews_the_cost_before_saving(page, sign_in, live_server, switch,
                                                         live_db, screenshot):
    sign_in("admin")
    page.goto(f"{live_server}/admin/settings/global")
    page.locator("select[name=openai_model]").select_option(str(switch["big"]))
    page.get_by_role("button", name="Preview cost").click()

    preview = page.locator("#cost-preview-openai_model")
    expect(preview).to_contain_text("Mini → Big")
    expect(preview).to_contain_text("$0.027 (+900.00%)")
    expect(page.locator("select[name=openai_model]")).to_have_value(str(switch["big"]))
    with live_db():
        assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == switch["mini"]
    screenshot(page, "global-cost-preview")

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Global settings saved.")).to_be_visible()
    with live_db():
        assert db.session.get(GlobalIntegrationSettings, 1).openai_model_id == switch["big"]
