"""An admin imports a LiteLLM cost map: upload, preview, deactivate an unused model the file
lacks, untick a row, apply, read the history."""
import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from igny8.models import AIModelConfig
from igny8.services.seed import seed_catalogue

pytestmark = pytest.mark.browser
COST_MAP = {
    "sample_spec": {"litellm_provider": "see the docs", "mode": "chat"},
    "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
                    "input_cost_per_token": 1.7e-07, "output_cost_per_token": 6e-07},
    "acme-keep": {"litellm_provider": "openai", "mode": "chat",
                  "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
    "acme-drop": {"litellm_provider": "anthropic", "mode": "chat",
                  "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05},
    "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding"},
}


@pytest.fixture
def cost_map(live_app, live_db, tmp_path, monkeypatch):
    """The shipped catalogue, a small cost map on disk, uploads kept in a folder of the test."""
    monkeypatch.setitem(live_app.config, "IGNY8_IMPORT_FOLDER", str(tmp_path / "imports"))
    with live_db():
        seed_catalogue(live_app.config["IGNY8_DEFAULT_MODELS"])
    path = tmp_path / "cost-map.json"
    path.write_text(json.dumps(COST_MAP))
    return path


def test_admin_imports_a_cost_map_through_the_preview(page, sign_in, cost_map, live_db,
                                                      screenshot):
    admin = sign_in("admin")
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="AI Models").click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(str(cost_map))
    page.get_by_label("LiteLLM model cost map (JSON)").check()
    page.get_by_role("button", name="Preview").click()

    classes = page.get_by_role("group", name="Classes")
    expect(classes.get_by_role("button", name="New 2")).to_be_visible()
    expect(classes.get_by_role("button", name="Changed 1")).to_be_visible()
    expect(classes.get_by_role("button", name="Skipped 2")).to_be_visible()
    expect(page.locator(".import-summary")).to_contain_text("3 rows ticked to apply")
    changed = page.locator("tr.import-row", has_text="openai/gpt-4o-mini")
    expect(changed).to_contain_text("input_price_per_1m: 0.15 → 0.17")
    classes.get_by_role("button", name="Skipped 2").click()
    expect(page.locator("tr.import-row", has_text="text-embedding-3-small")).to_contain_text(
        "mode 'embedding' has no catalogue type")
    classes.get_by_role("button", name=re.compile(r"^Only in the catalogue \d+$")).click()
    expect(page.locator("tr.import-row", has_text="openai/dall-e-3")
           ).to_contain_text("in use by 1")  # the global DALL-E default: no tick box
    page.get_by_label("Deactivate openai/gpt-3.5-turbo").check()
    page.get_by_role("button", name="Deactivate ticked models").click()
    expect(page.get_by_text("Deactivated GPT-3.5 Turbo (gpt-3.5-turbo).")).to_be_visible()
    expect(page.locator("tr.import-row", has_text="openai/gpt-3.5-turbo")).to_contain_text(
        "inactive")
    classes.get_by_role("button", name="New 2").click()
    page.get_by_label("Apply anthropic/acme-drop").uncheck()
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Apply ticked rows").click()

    expect(page.get_by_text("Imported cost-map.json: 1 created, 1 updated.")).to_be_visible()
    rows = page.locator("table.list-table > tbody > tr")
    expect(rows.filter(has_text="acme-keep").first).to_contain_text(admin.email)
    expect(rows.filter(has_text="acme-keep").first).to_contain_text("import")
    expect(rows.filter(has_text="GPT-4o Mini").first).to_contain_text("import")
    expect(rows.filter(has_text="GPT-3.5 Turbo").first).to_contain_text("deactivate")
    with live_db() as session:
        names = set(session.scalars(select(AIModelConfig.model_name)))
        assert "acme-keep" in names and "acme-drop" not in names
        mini = session.scalars(select(AIModelConfig).where(
            AIModelConfig.model_name == "gpt-4o-mini")).one()
        assert str(mini.input_price_per_1m) == "0.170000"
