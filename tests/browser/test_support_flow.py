"""Support staff deactivate models in bulk after a confirmation, and may not edit prices."""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from igny8.models import AIModelConfig

pytestmark = pytest.mark.browser


def model_row(page, display_name: str):
    """The list row whose name link is `display_name`."""
    link = page.get_by_role("link", name=display_name, exact=True)
    return page.locator("table.list-table tbody tr", has=link)


def inactive_names(live_db) -> set[str]:
    """Model names of the inactive catalogue rows."""
    with live_db() as session:
        return set(session.scalars(select(AIModelConfig.model_name).where(
            AIModelConfig.is_active.is_(False))))


def test_support_deactivates_two_models_after_confirming(
        page, live_db, sign_in, catalogue, screenshot):
    sign_in("support")
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="AI Models").click()
    for name in ("Claude 3 Haiku", "GPT-3.5 Turbo"):
        page.get_by_label(f"Select {name}", exact=True).check()
    page.get_by_label("Action:").select_option(label="Deactivate selected models")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("heading", name="Deactivate 2 models?")).to_be_visible()
    expect(page.locator(".confirm-models > li")).to_have_count(2)
    expect(page.locator(".fallback")).to_have_text(
        "1 account override to this model and will fall back to the global default: "
        "Northwind Media.")
    screenshot(page, "deactivate-confirm")
    inactive_before = inactive_names(live_db)
    assert "gpt-3.5-turbo" not in inactive_before

    page.get_by_role("button", name="Yes, deactivate").click()
    expect(page.get_by_role("status").filter(has_text="Deactivated")).to_have_text(
        "Deactivated 2 models.")
    for display_name in ("Claude 3 Haiku", "GPT-3.5 Turbo"):
        expect(model_row(page, display_name).locator('[data-column="is_active"]')).to_have_text(
            "Inactive")
        expect(model_row(page, display_name).get_by_role("button")).to_have_text("Activate")
    # Still active; its Status badge says it retires soon (deprecation 2027-01-14).
    expect(model_row(page, "GPT-4o Mini").locator('[data-column="is_active"]')).to_have_text(
        "Retiring 2027-01-14")
    assert inactive_names(live_db) == inactive_before | {"claude-3-haiku-20240307",
                                                         "gpt-3.5-turbo"}


def test_support_sees_no_edit_control_and_gets_403_on_the_edit_url(
        page, live_server, live_db, sign_in, catalogue):
    sign_in("support")
    model_id = catalogue["gpt-4o-mini"]
    page.goto(f"{live_server}/admin/ai-models/")
    expect(model_row(page, "GPT-4o Mini")).to_contain_text("$0.15")
    expect(page.get_by_role("link", name=re.compile(r"^Edit\b"))).to_have_count(0)
    expect(page.get_by_role("link", name="Add model")).to_have_count(0)

    model_row(page, "GPT-4o Mini").get_by_role("link", name="GPT-4o Mini").click()
    expect(page.get_by_role("heading", name=re.compile("^GPT-4o Mini"))).to_be_visible()
    expect(page.get_by_role("button", name="Deactivate")).to_be_visible()
    for control in ("Edit", "Delete"):
        expect(page.get_by_role("link", name=control, exact=True)).to_have_count(0)

    response = page.goto(f"{live_server}/admin/ai-models/{model_id}/edit")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Access denied")).to_be_visible()
    expect(page.get_by_text("Your role (support) may not open this page")).to_be_visible()

    token = page.locator('input[name="csrf_token"]').first.input_value()
    posted = page.request.post(f"{live_server}/admin/ai-models/{model_id}/edit", form={
        "csrf_token": token, "display_name": "GPT-4o Mini", "model_name": "gpt-4o-mini",
        "provider": "openai", "model_type": "text", "is_active": "y",
        "input_price_per_1m": "0.01", "output_price_per_1m": "0.02", "version": "1"})
    assert posted.status == 403
    assert "Access denied" in posted.text()
    with live_db() as session:
        model = session.get(AIModelConfig, model_id)
        assert (model.input_price_per_1m, model.output_price_per_1m) == (
            Decimal("0.15"), Decimal("0.60"))
