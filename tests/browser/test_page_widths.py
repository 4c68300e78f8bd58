"""The model page, the global settings and the dashboard at 800, 1280, 1440 and 1920 px: the page
never scrolls sideways and every action lies inside the window (the catalogue list and the users
page are checked at the same widths in their own modules)."""
from datetime import date

import pytest
from playwright.sync_api import expect

from igny8.services import catalogue as catalogue_service
from igny8.services.audit import Actor
from igny8.services.seed import seed_catalogue
from tests.factories import (
    AccountFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)

pytestmark = pytest.mark.browser

WIDTHS = (800, 1280, 1440, 1920)
LONG = "Fine-tuned GPT-4o mini for the customer support team of a very large company"
# The controls of the main column that lie outside the window, as "tag 'text' left-right".
OUTSIDE = """width => [...document.querySelectorAll(
    'main a, main button, main select, main input:not([type=hidden]), main textarea')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width > 0 && (r.left < 0 || r.right > width + 0.5))
  .map(([e, r]) => `${e.tagName} '${(e.innerText || e.value || '').trim().slice(0, 40)}'`
                   + ` ${Math.round(r.left)}-${Math.round(r.right)}`)"""


def assert_fits(page, width: int, controls: bool = True) -> None:
    """No sideways page scroll, and (`controls`) no control of the main column outside the
    window."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width} px: {scroll_width}"
    if controls:
        assert page.evaluate(OUTSIDE, width) == [], page.url


@pytest.fixture
def busy_catalogue(live_app, live_db) -> int:
    """The shipped catalogue, plus a long-named model without prices, past its deprecation date
    and used by three long-named accounts (so the dashboard has something to show); its id."""
    with live_db():
        seed_catalogue(live_app.config["IGNY8_DEFAULT_MODELS"])
        model = TextModelFactory(
            display_name=LONG, model_name="ft:gpt-4o-mini-2024-07-18:acme-org:support:AbCdEf",
            aliases=["support-bot-a-very-long-alias-name-for-the-support-team"],
            deprecation_date=date(2026, 1, 31), price_source="https://example.com/" + "p" * 80)
        for number in range(3):
            IntegrationSettingsFactory(account=AccountFactory(name=f"{LONG} account {number}"),
                                       config={"text_model_id": model.id})
        return model.id


@pytest.mark.parametrize("width", WIDTHS)
def test_the_model_page_fits(page, live_server, sign_in, busy_catalogue, width):
    sign_in("admin")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/admin/ai-models/{busy_catalogue}")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Delete", exact=True)).to_be_visible()
    assert_fits(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_global_settings_fit(page, live_server, sign_in, busy_catalogue, width):
    sign_in("admin")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/admin/settings/global")
    expect(page.get_by_role("button", name="Save global settings")).to_be_visible()
    assert_fits(page, width)


@pytest.mark.parametrize("role", ["admin", "support"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_health_dashboard_fits(page, live_server, sign_in, busy_catalogue, width, role):
    sign_in(role)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/admin/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name=LONG).first).to_be_visible()
    assert_fits(page, width)


UNBROKEN = "X" * 150


@pytest.mark.parametrize("width", WIDTHS)
def test_a_150_character_unbroken_name_wraps_on_every_page_that_shows_it(
        page, live_server, sign_in, live_db, width):
    with live_db():
        model = catalogue_service.create_model(
            provider="openai", model_type="text", model_name="x" * 100,
            display_name=UNBROKEN, notes=UNBROKEN, actor=Actor("cli", None, "cli"))
        model_id = model.id
    sign_in("admin")
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/admin/ai-models/", f"/admin/ai-models/{model_id}", "/admin/history/",
                 f"/admin/history/ai_model/{model_id}", f"/admin/ai-models/{model_id}/edit",
                 f"/admin/ai-models/{model_id}/delete"):
        page.goto(f"{live_server}{path}")
        expect(page.get_by_role("main")).to_contain_text(UNBROKEN[:20])
        # Below 1280 px the list's last columns scroll in the table's own box (its own test).
        assert_fits(page, width, controls=path != "/admin/ai-models/" or width >= 1280)
