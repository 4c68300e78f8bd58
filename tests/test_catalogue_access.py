"""The catalogue screens' access: every route for anonymous, support and admin, the routes' declared
roles, the sidebar entry, and the CSRF token every write needs."""
import re

import pytest

from tests.helpers.pages import CATALOGUE_URL as BASE
from tests.helpers.pages import model_form_data as form_data
from tests.helpers.pages import page_text as text_of
from tests.helpers.rows import model_count

pytestmark = pytest.mark.catalogue("listing")


# --- roles -----------------------------------------------------------------------------------

READ_ROUTES = ["/", "/{id}"]
ADMIN_ONLY_GET = ["/new", "/{id}/edit", "/{id}/delete"]
ADMIN_ONLY_POST = ["/new", "/{id}/edit", "/{id}/delete"]


@pytest.mark.parametrize("path", READ_ROUTES + ADMIN_ONLY_GET)
def test_anonymous_is_sent_to_login(client, catalogue, path):
    response = client.get(BASE + path.format(id=catalogue[0].id))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/{id}/toggle", "/bulk", "/{id}/delete", "/new", "/{id}/edit"])
def test_anonymous_posts_change_nothing(client, catalogue, db, path):
    flux = catalogue[2]
    response = client.post(BASE + path.format(id=flux.id),
                           data={"action": "activate", "ids": [flux.id], "confirm": "yes"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    db.session.expire_all()
    assert not flux.is_active and model_count(db) == 3


@pytest.mark.parametrize("role", ["admin", "support"])
@pytest.mark.parametrize("path", READ_ROUTES)
def test_both_roles_can_read(client, auth, catalogue, role, path):
    auth.login(role)
    response = client.get(BASE + path.format(id=catalogue[0].id))
    assert response.status_code == 200
    assert "GPT-4o Mini" in text_of(response)


@pytest.mark.parametrize("path", ADMIN_ONLY_GET)
def test_support_gets_403_on_admin_pages(client, auth, catalogue, path):
    auth.login("support")
    assert client.get(BASE + path.format(id=catalogue[0].id)).status_code == 403


@pytest.mark.parametrize("path", ADMIN_ONLY_POST)
def test_support_cannot_write_except_toggle(client, auth, catalogue, db, path):
    auth.login("support")
    mini = catalogue[0]
    response = client.post(BASE + path.format(id=mini.id),
                           data={"display_name": "Hacked", "model_name": "hacked"})
    assert response.status_code == 403
    db.session.expire_all()
    assert model_count(db) == 3 and mini.display_name == "GPT-4o Mini"


def test_support_sees_no_add_edit_or_delete_buttons(client, auth, catalogue):
    auth.login("support")
    page = client.get(BASE + "/").get_data(as_text=True)
    assert "Add model" not in page and f"{catalogue[0].id}/edit" not in page
    assert "Deactivate" in page  # support may toggle
    detail = client.get(f"{BASE}/{catalogue[0].id}").get_data(as_text=True)
    assert "/delete" not in detail and "/edit" not in detail


def test_routes_declare_their_roles(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("catalogue."):
            expected = (("admin", "support") if endpoint.rsplit(".", 1)[1] in
                        {"index", "detail", "toggle", "bulk", "export_list"} else ("admin",))
            assert view.required_roles == expected, endpoint


def test_sidebar_lists_ai_models_under_ai_and_automation(client, auth, catalogue):
    auth.login("support")
    page = client.get(BASE + "/").get_data(as_text=True)
    first_link = r"AI &amp; Automation</h2>\s*<ul[^>]*>\s*<li[^>]*>\s*<a class=\"nav-link active\""
    assert re.search(first_link + r" href=\"/admin/ai-models/\"", page)


# --- CSRF --------------------------------------------------------------------------------------

@pytest.fixture
def csrf_on(app):
    """CSRF protection as in production for one test."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("path", ["/{id}/toggle", "/bulk", "/{id}/delete", "/new"])
def test_writes_need_a_csrf_token(client, auth, catalogue, db, csrf_on, path):
    auth.login("admin")
    response = client.post(BASE + path.format(id=catalogue[2].id),
                           data={"action": "activate", "ids": [catalogue[2].id],
                                 "confirm": "yes", **form_data()})
    assert response.status_code == 400
    db.session.expire_all()
    assert model_count(db) == 3 and not catalogue[2].is_active
