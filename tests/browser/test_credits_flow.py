"""The Credits screens in Chromium: the Costs chart is drawn, the Usage filters narrow the list."""
import pytest
from playwright.sync_api import expect

from igny8.extensions import db
from tests.ledger import create_sample

pytestmark = pytest.mark.browser


@pytest.fixture
def sample(live_db):
    """The shared sample ledger in the live database."""
    with live_db():
        return create_sample(db)


def test_the_costs_screen_draws_the_cost_per_day_chart_beside_its_table(
        page, sign_in, sample, screenshot):
    sign_in("support")
    page.get_by_role("navigation", name="Admin sections").get_by_role("link", name="Costs").click()
    expect(page.get_by_role("heading", name="Costs", exact=True)).to_be_visible()
    chart = page.locator("figure.cost-chart svg.pygal-chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 500 and box["height"] > 150
    expect(chart.locator(".title").first).to_have_text("Cost per day (UTC)")
    # pygal's rules come from static/css/charts.css (the CSP blocks inline styles): no black
    # background, the bars in the first series colour.
    fills = page.evaluate("""() => [".cost-chart .background", ".cost-chart .color-0 rect"]
        .map(selector => getComputedStyle(document.querySelector(selector)).fill)""")
    assert fills == ["rgba(0, 0, 0, 0)", "rgb(13, 110, 253)"]
    expect(page.locator("#costs-by-day")).to_be_visible()
    expect(page.locator('[data-total="cost"]')).to_have_text("$0.081726")
    expect(page.locator("#costs-by-model tbody tr").first).to_contain_text("DALL-E 3")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "credits-costs", full_page=True)

    page.locator("#costs-by-account").get_by_role("link", name="Acme Publishing").click()
    expect(page.locator('[data-total="cost"]')).to_have_text("$0.001576")
    expect(page.get_by_label("Account", exact=True)).to_have_value(str(sample.acme))


def test_the_usage_screen_filters_by_model_and_dates(page, sign_in, sample, screenshot):
    sign_in("admin")
    page.get_by_role("navigation", name="Admin sections").get_by_role("link", name="Usage").click()
    rows = page.locator("#usage-records tbody tr")
    expect(rows).to_have_count(5)
    page.get_by_label("AI model").select_option(label="DALL-E 3 (dall-e-3)")
    page.get_by_label("From", exact=True).fill("2026-10-01")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("north_dalle")
    expect(rows.last).to_contain_text("acme_dalle_october")
    expect(page.locator('[data-total="cost"]')).to_have_text("$0.12")
    screenshot(page, "credits-usage")

    page.get_by_label("To", exact=True).fill("2026-09-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".invalid-feedback").filter(has_text="The end is before the start.")
           ).to_be_visible()
    expect(rows).to_have_count(0)
