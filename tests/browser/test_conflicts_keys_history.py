"""Two admins edit one model at once (the second applies their change to the latest version),
an API key is revoked after a confirmation, and the history reads in labels and words."""
import pytest
from playwright.sync_api import expect

from igny8.models import AIModelConfig
from igny8.services import api_keys
from tests.factories import TEST_PASSWORD, TextModelFactory

pytestmark = pytest.mark.browser


def signed_in(context, live_server, user):
    """A new page of `context`, signed in as `user` through the form."""
    page = context.new_page()
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    return page


@pytest.fixture
def mini(live_db):
    """One active text model; returns its id."""
    with live_db() as session:
        model = TextModelFactory(display_name="GPT-4o Mini", model_name="gpt-4o-mini",
                                 input_price_per_1m="0.15", output_price_per_1m="0.60")
        session.flush()
        model_id = model.id
    return model_id


def test_the_second_editor_applies_their_change_to_the_latest_version(
        browser, live_server, live_db, make_user, mini, screenshot):
    ada = make_user("admin", email="ada@igny8.local")
    bob = make_user("admin", email="bob@igny8.local")
    first_context, second_context = browser.new_context(), browser.new_context()
    first = signed_in(first_context, live_server, ada)
    second = signed_in(second_context, live_server, bob)
    url = f"{live_server}/admin/ai-models/{mini}/edit"
    first.goto(url)
    second.goto(url)

    first.get_by_label("Output price", exact=True).fill("0.70")
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_text("Saved GPT-4o Mini")).to_be_visible()

    second.get_by_label("Notes").fill("Cheaper from December")
    second.get_by_role("button", name="Save changes").click()
    conflict = second.locator(".edit-conflict")
    expect(conflict).to_contain_text("was changed by someone else since you opened it")
    price_row = conflict.locator("tr", has=second.locator("th", has_text="Output price"))
    expect(price_row.locator(".loaded")).to_have_text("0.60")
    expect(price_row.locator(".theirs")).to_contain_text("0.70")
    notes_row = conflict.locator("tr", has=second.locator("th", has_text="Notes"))
    expect(notes_row.locator(".mine")).to_contain_text("Cheaper from December")
    expect(second.get_by_label("Notes")).to_have_value("Cheaper from December")
    expect(second.get_by_label("Output price", exact=True)).to_have_value("0.70")
    expect(conflict.get_by_role("link", name="Reload the latest version")).to_have_attribute(
        "href", f"/admin/ai-models/{mini}/edit")
    screenshot(second, "edit-conflict")

    conflict.get_by_role("button", name="Apply my change to the latest version").click()
    expect(second.get_by_text("Saved GPT-4o Mini")).to_be_visible()
    with live_db() as session:
        model = session.get(AIModelConfig, mini)
        assert model.notes == "Cheaper from December"
        assert str(model.output_price_per_1m) == "0.700000" and model.version == 3
    first_context.close()
    second_context.close()


def test_revoking_a_key_asks_first_naming_it(page, live_server, live_app, sign_in, screenshot):
    sign_in("admin")
    with live_app.app_context():
        key, raw = api_keys.create_key("reporting-job", "write", actor="cli")
        key_id = key.id
    page.goto(f"{live_server}/admin/api-keys/")
    page.get_by_role("link", name="Revoke reporting-job").click()
    expect(page.get_by_role("heading", name="Revoke API key reporting-job")).to_be_visible()
    expect(page.locator(".key-scope")).to_have_text("write")
    expect(page.locator(".key-last-used")).to_have_text("never")
    screenshot(page, "revoke-confirm")
    with live_app.app_context():
        assert api_keys.authenticate(raw) is not None  # the question revoked nothing
    page.get_by_role("button", name="Revoke reporting-job").click()
    expect(page.get_by_text("API key reporting-job revoked.")).to_be_visible()
    with live_app.app_context():
        assert api_keys.authenticate(raw) is None
    page.goto(f"{live_server}/admin/api-keys/{key_id}/confirm-revoke")
    expect(page.get_by_text("This key was already revoked")).to_be_visible()


def test_the_history_names_fields_by_their_labels(page, live_server, sign_in, mini, screenshot):
    sign_in("admin")
    page.goto(f"{live_server}/admin/ai-models/{mini}/edit")
    page.get_by_label("Active").uncheck()
    page.get_by_label("Aliases").fill("4o-mini, mini")
    page.get_by_role("button", name="Save changes").click()
    page.goto(f"{live_server}/admin/history/ai_model/{mini}")
    changes = page.locator(".card").first.locator("table.changes")
    status = changes.locator("tr", has=page.locator("th", has_text="Status"))
    expect(status.locator(".before")).to_have_text("Active")
    expect(status.locator(".after")).to_have_text("Inactive")
    aliases = changes.locator("tr", has=page.locator("th", has_text="Aliases"))
    expect(aliases.locator(".before")).to_have_text("none")
    expect(aliases.locator(".after")).to_have_text("4o-mini, mini")
    expect(page.locator("main")).not_to_contain_text("is_active")
    screenshot(page, "history-object")


def test_the_slot_filter_box_narrows_the_choices_and_keeps_the_current_one(
        page, live_server, live_db, sign_in):
    from igny8.services.seed import seed_catalogue
    with live_db():
        seed_catalogue({"text_model": "gpt-4o-mini"})
    sign_in("admin")
    page.goto(f"{live_server}/admin/settings/global")
    select = page.locator("select#text_model")
    chosen = select.evaluate("s => s.options[s.selectedIndex].textContent")
    page.locator('input.select-filter[aria-controls="text_model"]').fill("claude")
    visible = select.evaluate(
        "s => Array.from(s.options).filter(o => !o.hidden).map(o => o.textContent)")
    assert chosen in visible
    assert all("claude" in label.lower() or label == chosen or label.startswith("Not set")
               for label in visible)
    assert any("claude" in label.lower() for label in visible)
    assert select.evaluate("s => s.options[s.selectedIndex].textContent") == chosen
