"""An admin signs in through the real form, sees the dashboard and sidebar, and signs out."""
import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_admin_signs_in_sees_the_sidebar_and_signs_out(page, live_server, make_user, screenshot):
    admin = make_user(role="admin")

    page.goto(f"{live_server}/admin/")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=%2Fadmin%2F$"))
    page.get_by_label("Email").fill(admin.email.upper())
    page.get_by_label("Password").fill(TEST_PASSWORD)
    heading = page.get_by_role("heading", name="Sign in").bounding_box()
    field = page.get_by_label("Email").bounding_box()
    assert abs(heading["x"] - field["x"]) < 2, (heading, field)  # aligned with the form
    screenshot(page, "login")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server}/admin/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {admin.email}.")).to_be_visible()
    sidebar = page.get_by_role("navigation", name="Admin sections")
    expect(sidebar.locator("h2").first).to_have_text("AI & Automation")
    expect(sidebar.get_by_role("link").first).to_have_text("AI Models")
    expect(sidebar.get_by_role("link", name="History")).to_be_visible()
    screenshot(page, "dashboard")

    sidebar.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(sidebar.locator('a[aria-current="page"]')).to_have_text("History")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(page.get_by_text("You have been signed out.")).to_be_visible()
    page.goto(f"{live_server}/admin/")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))


def test_wrong_password_shows_the_message(page, live_server, make_user):
    admin = make_user(role="admin")
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Invalid email or password.")
    expect(page).to_have_url(f"{live_server}/auth/login")
