"""The catalogue list at 800, 1280, 1440 and 1920 px: row actions visible, no sideways scroll;
intent in two tabs."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from igny8.models import AIModelConfig
from tests.factories import ImageModelFactory, TextModelFactory

pytestmark = pytest.mark.browser

LONG = "Fine-tuned GPT-4o mini for the customer support team of a very large company"


@pytest.fixture
def hundred_models(live_db) -> None:
    """100 models with long names and every price column filled, as the fine-tunes are."""
    with live_db():
        for number in range(90):
            TextModelFactory(display_name=f"{LONG} {number}",
                             model_name=f"ft:gpt-4o-mini-2024-07-18:acme-org:support-{number:03d}"
                                        f":AbCdEfGh{number:03d}",
                             cached_input_price_per_1m="0.075", is_active=number % 3 != 0)
        for number in range(10):
            ImageModelFactory(provider="runware", display_name=f"Runware FLUX {number}",
                              model_name=f"runware:{number}@1", price_per_image="0.0035")


# Below 1280 px the eleven data columns cannot all fit: the actions come first and stay in the
# window, the page never scrolls, and the last columns scroll inside the table's own box.
FULL_TABLE_FROM = 1280


def assert_actions_inside(page, width: int, role_buttons: tuple[str, ...]) -> None:
    """No sideways page scroll, and each row's action controls lie within the viewport."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page scrolls sideways: {scroll_width} > {width}"
    table = page.locator(".admin-list .table-responsive")
    inner, shown = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
    if width >= FULL_TABLE_FROM:
        assert inner <= shown, f"the table scrolls sideways inside its box: {inner} > {shown}"
    rows = page.locator("table.list-table tbody tr")
    expect(rows).to_have_count(100)
    for index in (0, 1, 50, 99):
        cell = rows.nth(index).locator("td.row-actions")
        controls = cell.locator("button, a")
        expect(controls).to_have_count(len(role_buttons))
        for number in range(len(role_buttons)):
            box = controls.nth(number).bounding_box()
            assert box is not None and box["width"] > 0
            assert 0 <= box["x"] and box["x"] + box["width"] <= width, (index, box)
            assert box["y"] >= 0
        texts = [controls.nth(n).inner_text().strip() for n in range(len(role_buttons))]
        assert texts[0] in ("Activate", "Deactivate") and texts[1:] == list(role_buttons[1:])


@pytest.mark.parametrize("width", [800, 1280, 1440, 1920])
@pytest.mark.parametrize("role, buttons", [("admin", ("toggle", "Edit")), ("support", ("toggle",))])
def test_list_fits_each_width_with_every_action_visible(page, live_server, sign_in,
                                                        hundred_models, role, buttons, width):
    sign_in(role)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/admin/ai-models/?per_page=100")
    assert_actions_inside(page, width, buttons)


def test_a_stale_tab_activate_on_an_active_model_changes_nothing(page, context, live_server,
                                                                 sign_in, live_db):
    with live_db():
        TextModelFactory(display_name="Claude Sonnet", is_active=False)
    sign_in("admin")
    url = f"{live_server}/admin/ai-models/"
    page.goto(url)
    stale = context.new_page()
    stale.goto(url)  # the second tab still shows "Activate"
    page.get_by_role("button", name="Activate Claude Sonnet").click()
    expect(page.get_by_role("status").filter(has_text="Activated")).to_have_text(
        "Activated 1 model.")

    stale.get_by_role("button", name="Activate Claude Sonnet").click()
    expect(stale.get_by_role("status").filter(has_text="already")).to_have_text(
        "Claude Sonnet is already active. Nothing was changed.")
    expect(stale.get_by_role("button", name="Deactivate Claude Sonnet")).to_be_visible()
    with live_db() as session:
        assert session.scalar(select(AIModelConfig.is_active)) is True


def test_select_all_ticks_the_page_and_counts_what_is_selected(page, live_server, sign_in,
                                                               live_db):
    with live_db():
        for name in ("Alpha Writer", "Beta Writer", "Gamma Writer"):
            TextModelFactory(display_name=name)
    sign_in("support")
    page.goto(f"{live_server}/admin/ai-models/")
    count = page.locator("[data-selected-count]")
    expect(count).to_have_text("0 of 3 selected: tick the rows first")
    page.get_by_label("Select every row on this page").check()
    expect(page.locator("input[name=ids]:checked")).to_have_count(3)
    expect(count).to_have_text("3 of 3 selected")
    page.get_by_label("Select Beta Writer", exact=True).uncheck()
    expect(count).to_have_text("2 of 3 selected")
    assert page.get_by_label("Select every row on this page").evaluate("b => b.indeterminate")
    page.get_by_label("Action:").select_option(label="Deactivate selected models")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Deactivate 2 models?")).to_be_visible()
    expect(page.locator(".confirm-models > li")).to_have_count(2)


def test_go_without_an_action_keeps_the_ticks(page, live_server, sign_in, live_db):
    with live_db():
        for name in ("Alpha Writer", "Beta Writer"):
            TextModelFactory(display_name=name)
    sign_in("admin")
    page.goto(f"{live_server}/admin/ai-models/")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("[data-selected-count]")).to_have_text("Tick at least one row first.")
    page.get_by_label("Select Alpha Writer", exact=True).check()
    page.get_by_role("button", name="Go").click()
    expect(page.locator("[data-selected-count]")).to_have_text("Choose an action first.")
    expect(page.get_by_label("Select Alpha Writer", exact=True)).to_be_checked()
    page.get_by_role("button", name="Deactivate Alpha Writer").click()  # a row button still posts
    expect(page.get_by_role("status").filter(has_text="Deactivated")).to_be_visible()
