"""An admin adds a text model, picks it in the global settings and finds it in the history."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from igny8.models import AIModelConfig, GlobalIntegrationSettings
from igny8.services.seed import seed_catalogue

pytestmark = pytest.mark.browser

LABEL = "Acme Writer (acme-writer-1) - $0.25/$1.25 per 1M tokens"


@pytest.fixture
def seeded(live_app, live_db):
    """The shipped catalogue with its global defaults, as after `make run`."""
    with live_db():
        seed_catalogue(live_app.config["IGNY8_DEFAULT_MODELS"])


def filter_the_list(page, screenshot, live_db) -> None:
    """Narrow the catalogue to text models; the filter's count says how many it gives."""
    with live_db() as session:
        total = session.scalar(select(func.count()).select_from(AIModelConfig))
        texts = session.scalar(select(func.count()).where(AIModelConfig.model_type == "text"))
    filters = page.get_by_role("group", name="Filters")
    expect(page.locator(".list-summary")).to_have_text(f"Showing 1–{total} of {total} models")
    filters.get_by_role("link", name=f"Text {texts}", exact=True).click()
    expect(page.locator(".list-summary")).to_have_text(f"Showing 1–{texts} of {texts} models")
    expect(filters.locator('[aria-current="true"]', has_text="Text")).to_be_visible()
    expect(page.locator('td[data-column="model_type"]')).to_have_text(["Text"] * texts)
    screenshot(page, "catalogue-list")


def add_model_through_the_form(page, screenshot) -> None:
    """Fill the create form, first with a bad price (refused), then correctly."""
    page.get_by_role("link", name="Add model").click()
    page.get_by_label("Display name").fill("Acme Writer")
    page.get_by_label("Model name").fill("acme-writer-1")
    page.get_by_label("Provider").select_option(label="Anthropic")
    page.get_by_label("Type").select_option(label="Text")
    page.get_by_label("Active").check()
    page.get_by_label("Input price", exact=True).fill("twenty cents")
    page.get_by_label("Output price", exact=True).fill("1.25")
    page.get_by_role("button", name="Add model").click()

    expect(page.get_by_text("Input price must be a number, e.g. 0.15.")).to_be_visible()
    expect(page.locator(".form-problem")).to_have_text("Correct the fields marked below.")
    expect(page.get_by_label("Display name")).to_have_value("Acme Writer")
    screenshot(page, "model-form-error")

    page.get_by_label("Input price", exact=True).fill("$0.25")
    page.get_by_role("button", name="Add model").click()
    expect(page.get_by_text("Added Acme Writer (acme-writer-1).")).to_be_visible()
    expect(page.get_by_role("heading", name="Acme Writer acme-writer-1 Active")).to_be_visible()
    expect(page.locator(".model-fields")).to_contain_text(LABEL)


def choose_it_in_the_global_settings(page, screenshot) -> None:
    """Pick the new model for the any-provider text slot and save."""
    sidebar = page.get_by_role("navigation", name="Admin sections")
    sidebar.get_by_role("link", name="Global Integration Settings").click()
    dropdown = page.get_by_label("Text model (any provider)")
    expect(dropdown.locator("option", has_text="Acme Writer")).to_have_text(LABEL)
    dropdown.select_option(label=LABEL)
    # Shown as an open list for the screenshot; a native popup never appears in one.
    dropdown.evaluate("select => { select.size = 8; }")
    dropdown.focus()
    screenshot(page, "global-settings", full_page=True)
    dropdown.evaluate("select => select.removeAttribute('size')")
    page.get_by_role("button", name="Save global settings").click()
    expect(page.get_by_role("status").filter(has_text="Global settings saved.")).to_have_text(
        "Global settings saved. Text model (any provider): "
        "GPT-4o Mini (gpt-4o-mini) → Acme Writer (acme-writer-1)")


def test_admin_adds_a_model_and_makes_it_the_global_text_model(
        page, live_server, live_db, sign_in, seeded, screenshot):
    admin = sign_in("admin")
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="AI Models").click()
    filter_the_list(page, screenshot, live_db)
    add_model_through_the_form(page, screenshot)
    choose_it_in_the_global_settings(page, screenshot)

    page.reload()
    dropdown = page.get_by_label("Text model (any provider)")
    expect(dropdown.locator("option:checked")).to_have_text(LABEL)
    expect(page.locator("#slot-text_model td").first).to_have_text(LABEL)
    with live_db() as session:
        model = session.scalars(
            select(AIModelConfig).where(AIModelConfig.model_name == "acme-writer-1")).one()
        assert (model.provider, model.is_active, model.origin) == ("anthropic", True, "manual")
        assert (str(model.input_price_per_1m), str(model.output_price_per_1m)) == (
            "0.250000", "1.250000")
        assert session.get(GlobalIntegrationSettings, 1).text_model_id == model.id
        model_id = model.id

    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="History").click()
    newest = page.locator("table.list-table > tbody > tr").first
    expect(newest).to_contain_text(admin.email)
    expect(newest).to_contain_text("Global integration settings")
    text_change = newest.locator("table.changes tr",
                                 has=page.locator("th", has_text="Text model (any provider)"))
    expect(text_change.locator(".before")).to_have_text("GPT-4o Mini (gpt-4o-mini)")
    expect(text_change.locator(".after")).to_have_text("Acme Writer (acme-writer-1)")
    created = page.locator("table.list-table > tbody > tr").nth(1)
    expect(created).to_contain_text("create")
    expect(created).to_contain_text(LABEL)
    screenshot(page, "history")

    newest.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile("^History of"))).to_be_visible()
    expect(page.locator(".card-header").first).to_contain_text(f"update by {admin.email}")
    expect(page.locator(".card .after").first).to_have_text("Acme Writer (acme-writer-1)")

    page.goto(f"{live_server}/admin/ai-models/{model_id}")
    page.get_by_role("link", name="History", exact=True).last.click()
    expect(page).to_have_url(f"{live_server}/admin/history/ai_model/{model_id}")
    expect(page.locator(".card-header").first).to_contain_text(f"create by {admin.email}")
    expect(page.locator(".card")).to_contain_text("acme-writer-1")
