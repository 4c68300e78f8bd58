"""In Chromium: change your own password, reset another's, change a role; the users page fits."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "quiet lantern orbit"


@pytest.fixture
def csp_errors(page) -> list[str]:
    """Console messages in which the browser refused something under the CSP."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def sign_in_with(page, live_server, email: str, password: str) -> None:
    """Fill and send the sign-in form."""
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_change_your_own_password(page, live_server, sign_in, csp_errors, screenshot):
    admin = sign_in("admin")
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password").fill("aaaaaaaaaa")
    page.get_by_label("Repeat password").fill("aaaaaaaaaa")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("password is too easy to guess")).to_be_visible()

    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat password").fill(NEW_PASSWORD)
    screenshot(page, "change-password")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password was changed")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_with(page, live_server, admin.email, TEST_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("Invalid email or password.")
    sign_in_with(page, live_server, admin.email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert csp_errors == []


def test_admin_resets_a_password_and_changes_a_role(page, browser, live_server, sign_in,
                                                    make_user, csp_errors, screenshot):
    sign_in("admin")
    ops = make_user(role="support", email="ops@igny8.local")
    page.goto(f"{live_server}/admin/users/")
    page.get_by_role("link", name=f"Manage {ops.email}").click()
    expect(page.get_by_role("heading", name=f"User {ops.email}")).to_be_visible()

    page.get_by_role("combobox", name="Role").select_option("admin")
    page.get_by_role("button", name="Save role").click()
    expect(page.get_by_text(f"{ops.email} is now admin.")).to_be_visible()

    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat password").fill(NEW_PASSWORD)
    screenshot(page, "user-detail")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text(f"New password set for {ops.email}")).to_be_visible()

    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in_with(other, live_server, ops.email, NEW_PASSWORD)
    expect(other.get_by_role("heading", name="Dashboard")).to_be_visible()
    sidebar = other.get_by_role("navigation", name="Admin sections")
    expect(sidebar.get_by_role("link", name="Users")).to_be_visible()  # admins only
    other.context.close()

    page.goto(f"{live_server}/admin/history/user/{ops.id}")
    history = page.get_by_role("main")
    expect(history.get_by_text("change_role", exact=True)).to_be_visible()
    expect(history.get_by_text("reset_password", exact=True)).to_be_visible()
    assert csp_errors == []


@pytest.mark.parametrize("width", [800, 1280, 1440, 1920])
def test_the_users_page_fits_without_overlap(page, live_server, sign_in, make_user, width,
                                             screenshot):
    sign_in("admin")
    for name in ("second.admin", "ops", "a.rather.long.name.for.support"):
        make_user(role="support", email=f"{name}@example.com")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/admin/users/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    table = page.locator("table").bounding_box()
    add_form = page.get_by_role("heading", name="Add a user").bounding_box()
    overlaps = not (table["y"] + table["height"] <= add_form["y"]
                    or table["x"] + table["width"] <= add_form["x"])
    assert not overlaps, (table, add_form)
    button = page.get_by_role("button", name="Deactivate ops@example.com")
    expect(button.locator(".visually-hidden")).to_have_text(" ops@example.com")
    box = button.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width and box["width"] < 120, box
    if width == 1280:
        screenshot(page, "users", full_page=True)
