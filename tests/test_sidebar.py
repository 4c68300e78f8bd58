"""The admin sidebar: group order, section order, role filtering and the current page."""
from __future__ import annotations

import re

import pytest

from igny8.admin import sidebar
from igny8.admin.sidebar import AdminSection, build_groups, current_section, register_section
from igny8.auth.roles import ADMIN, SUPPORT

ENDPOINTS = {"catalogue.index", "settings.global_settings", "settings.accounts",
             "history.index", "api_keys.index", "billing.credits"}


def sections():
    """A registry as the blueprints fill it, registered in scrambled order."""
    return [
        AdminSection("System", "History", "history.index", 30),
        AdminSection("AI & Automation", "Account Integration Settings", "settings.accounts", 20),
        AdminSection("System", "API keys", "api_keys.index", 10, roles=(ADMIN,)),
        AdminSection("Credits", "Credit packages", "billing.credits", 0),
        AdminSection("AI & Automation", "Global Integration Settings",
                     "settings.global_settings", 10),
        AdminSection("AI & Automation", "AI Models", "catalogue.index", 0),
        AdminSection("System", "Not routed", "nowhere.index", 0),
    ]


def labels(groups):
    """{group: [labels]} in display order."""
    return {group.name: [s.label for s in group.sections] for group in groups}


def test_groups_and_sections_are_ordered():
    groups = build_groups(sections(), ADMIN, ENDPOINTS)
    assert [g.name for g in groups] == ["AI & Automation", "Credits", "System"]
    assert labels(groups) == {
        "AI & Automation": ["AI Models", "Global Integration Settings",
                            "Account Integration Settings"],
        "Credits": ["Credit packages"],
        "System": ["API keys", "History"],
    }


def test_support_does_not_see_admin_only_sections_and_missing_endpoints_are_hidden():
    groups = labels(build_groups(sections(), SUPPORT, ENDPOINTS))
    assert groups["System"] == ["History"]
    assert "Not routed" not in str(groups)


def test_empty_groups_are_left_out():
    groups = build_groups(sections(), ADMIN, {"history.index"})
    assert labels(groups) == {"System": ["History"]}


def test_unknown_group_is_refused():
    with pytest.raises(ValueError, match="unknown sidebar group 'Billing'"):
        register_section(AdminSection("Billing", "Invoices", "billing.invoices", 0))


def test_current_section_prefers_the_closest_endpoint_of_the_blueprint():
    groups = build_groups(sections(), ADMIN, ENDPOINTS)
    assert current_section(groups, "settings.account").label == "Account Integration Settings"
    assert current_section(groups, "settings.global_settings").label == (
        "Global Integration Settings")
    assert current_section(groups, "catalogue.edit").label == "AI Models"
    assert current_section(groups, "admin.index") is None


def test_a_section_claims_its_other_pages_before_the_closest_endpoint():
    accounts = AdminSection("AI & Automation", "Account Integration Settings",
                            "settings.accounts", 20, pages=("settings.bulk_override",))
    others = [s for s in sections() if s.endpoint != "settings.accounts"]
    groups = build_groups([*others, accounts], ADMIN, ENDPOINTS)
    assert current_section(groups, "settings.bulk_override").label == (
        "Account Integration Settings")
    assert current_section(groups, "settings.save_global_settings").label == (
        "Global Integration Settings")


def test_ai_models_is_first_in_ai_and_automation_and_not_in_credits(app):
    groups = build_groups(sidebar.registered_sections(), ADMIN, app.view_functions)
    by_name = labels(groups)
    assert by_name["AI & Automation"][0] == "AI Models"
    assert "AI Models" not in by_name.get("Credits", [])
    assert [g.name for g in groups] == [n for n in sidebar.GROUPS if n in by_name]


def sidebar_links(page: str) -> list[str]:
    """The link texts of the rendered sidebar."""
    nav = re.search(r'<nav class="[^"]*sidebar[^"]*".*?</nav>', page, re.S).group(0)
    link = r'<a class="nav-link[^"]*" href="[^"]+"\s*(?:aria-current="page")?>([^<]+)</a>'
    return re.findall(link, nav)


def test_rendered_sidebar_follows_the_role(client, auth, monkeypatch):
    admin_only = AdminSection("System", "History", "history.index", 30, roles=(ADMIN,))
    monkeypatch.setitem(sidebar._registry, "history.index", admin_only)
    auth.login(role="support")
    page = client.get("/admin/").get_data(as_text=True)
    assert "History" not in sidebar_links(page)
    assert "AI Models" in sidebar_links(page)


def test_rendered_sidebar_highlights_the_current_page(client, auth):
    auth.login(role="admin")
    page = client.get("/admin/history/").get_data(as_text=True)
    assert re.search(r'class="nav-link active" href="/admin/history/"\s*aria-current="page"', page)
    assert page.count('aria-current="page"') == 1
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "nav-link active" not in dashboard
    assert "<h2 class=\"h5 m-0\">AI &amp; Automation</h2>" in dashboard


def test_signed_out_pages_have_no_sidebar(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Admin sections" not in page and "Sign out" not in page
