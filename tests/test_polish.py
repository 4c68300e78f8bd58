"""Small things people see on every visit: favicon, breadcrumbs, the enhancement script, the
model page's empty limits and price-source link, "Save and add another / continue editing"."""
import re

import pytest

from tests.factories import TextModelFactory
from tests.helpers.pages import CATALOGUE_URL, form_values, model_form_data, text


def test_the_favicon_and_the_script_are_linked_and_served(client, auth):
    auth.login("admin")
    page = client.get("/admin/settings/global").get_data(as_text=True)
    for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        assert client.get(path).status_code == 200, path
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert 'src="/static/js/admin.js" defer' in page  # only where a control is enhanced


@pytest.mark.parametrize("url, current", [
    ("/admin/settings/global", "Global Integration Settings"),
    ("/admin/settings/accounts", "Account Integration Settings"),
    ("/admin/history/", "History"),
    ("/admin/api-keys/", "API keys"),
    ("/admin/users/", "Users"),
    ("/admin/ai-models/", "AI Models"),
    ("/auth/password", "Change password"),
    ("/api/v1/docs", "API docs"),
])
def test_pages_show_breadcrumbs(client, auth, url, current):
    auth.login("admin")
    page = " ".join(client.get(url).get_data(as_text=True).split())
    assert '<li class="breadcrumb-item"><a href="/admin/">Dashboard</a></li>' in page
    assert f'<li class="breadcrumb-item active">{current}</li>' in page


def test_a_users_page_and_a_replacement_show_the_trail_to_them(client, auth, db):
    auth.login("admin")
    admin = auth.user
    model = TextModelFactory(display_name="Claude Sonnet")
    db.session.commit()
    user_page = " ".join(client.get(f"/admin/users/{admin.id}/").get_data(as_text=True).split())
    assert '<li class="breadcrumb-item"><a href="/admin/users/">Users</a></li>' in user_page
    assert f'<li class="breadcrumb-item active">{admin.email}</li>' in user_page
    replace = " ".join(client.get(f"{CATALOGUE_URL}/{model.id}/replace").get_data(
        as_text=True).split())
    assert (f'<li class="breadcrumb-item"><a href="{CATALOGUE_URL}/{model.id}">Claude Sonnet</a>'
            '</li>') in replace
    assert '<li class="breadcrumb-item active">Replace</li>' in replace


def test_model_page_words_empty_limits_and_links_the_price_source(client, auth, db):
    model = TextModelFactory(context_window=None, price_source="https://openai.com/api/pricing",
                             output_price_per_1m="1500")
    db.session.commit()
    auth.login("support")
    response = client.get(f"{CATALOGUE_URL}/{model.id}")
    page = response.get_data(as_text=True)
    assert "— tokens" not in text(response)
    assert ('<a href="https://openai.com/api/pricing" rel="noopener noreferrer">'
            'https://openai.com/api/pricing</a>') in page
    assert "$1,500.00" in text(response)


def test_save_and_add_another_and_save_and_continue_editing(client, auth, db):
    auth.login("admin")
    added = client.post(CATALOGUE_URL + "/new", data={**model_form_data(), "then": "add"})
    assert added.status_code == 302 and added.headers["Location"].endswith("/admin/ai-models/new")
    page = client.get(CATALOGUE_URL + "/new").get_data(as_text=True)
    assert "Save and add another" in page and "Save and continue editing" in page
    second = model_form_data(model_name="gpt-4.2", display_name="GPT-4.2", aliases="")
    kept = client.post(CATALOGUE_URL + "/new", data={**second, "then": "edit"})
    assert re.search(r"/admin/ai-models/\d+/edit$", kept.headers["Location"])
    form = form_values(client.get(kept.headers["Location"]).get_data(as_text=True), "model-form")
    assert form["display_name"] == "GPT-4.2"


def test_slot_dropdowns_carry_the_filter_hook_and_a_new_key_a_copy_button(client, auth, db):
    auth.login("admin")
    assert 'data-filter="1"' in client.get("/admin/settings/global").get_data(as_text=True)
    created = client.post("/admin/api-keys/", data={"name": "crm", "scope": "read"})
    assert 'data-copy-target="new-api-key" hidden>Copy the key</button>' in created.get_data(
        as_text=True)
