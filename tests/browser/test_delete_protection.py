"""Deleting a model that a global slot and an account use shows what uses it and keeps the model."""
import re

import pytest
from playwright.sync_api import expect

from igny8.models import AIModelConfig
from tests.factories import (
    AccountFactory,
    GlobalSettingsFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def used_model(live_db) -> int:
    """Acme Writer: the global OpenAI text model and Northwind Media's text model override."""
    with live_db():
        model = TextModelFactory(display_name="Acme Writer", model_name="acme-writer-1")
        GlobalSettingsFactory(openai_model_id=model.id)
        IntegrationSettingsFactory(account=AccountFactory(name="Northwind Media"),
                                   config={"text_model_id": model.id})
        return model.id


def test_deleting_a_used_model_lists_its_users_and_keeps_it(
        page, live_server, live_db, sign_in, used_model, screenshot):
    sign_in("admin")
    page.goto(f"{live_server}/admin/ai-models/{used_model}")
    used_by = page.get_by_role("region", name="Used by")
    expect(used_by.locator(".used-by-global li")).to_have_text(["OpenAI text model"])
    expect(used_by.get_by_role("heading", name="Account overrides (1)")).to_be_visible()
    expect(used_by.locator(".used-by-accounts li")).to_have_text(
        [re.compile(r"Northwind Media\s+\(account \d+:\s*Text model \(any provider\)\)")])
    screenshot(page, "model-detail")

    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", name="Delete Acme Writer?")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "Acme Writer (acme-writer-1) cannot be deleted while it is used.")
    expect(page.locator(".used-by-global li")).to_have_text(["OpenAI text model"])
    expect(page.locator(".used-by-accounts").get_by_role("link")).to_have_text(
        ["Northwind Media"])
    expect(page.get_by_role("button", name="Yes, delete it")).to_have_count(0)
    screenshot(page, "delete-protection")

    token = page.locator('input[name="csrf_token"]').first.input_value()
    posted = page.request.post(f"{live_server}/admin/ai-models/{used_model}/delete",
                               form={"csrf_token": token})
    assert posted.status == 409
    assert ("Cannot delete Acme Writer (acme-writer-1): used by global setting OpenAI text "
            "model, account Northwind Media.") in posted.text()
    with live_db() as session:
        assert session.get(AIModelConfig, used_model).model_name == "acme-writer-1"

    page.get_by_role("link", name="Back to the model").click()
    expect(page.get_by_role("heading", name=re.compile("^Acme Writer"))).to_be_visible()
    page.locator(".used-by-accounts").get_by_role("link", name="Northwind Media").click()
    expect(page.locator("#slot-text_model .source")).to_have_text("account override")
