"""The AI model catalogue screens: list, detail, create/edit, toggle, bulk, delete and roles."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from igny8.models import AIModelConfig
from igny8.models.audit import AuditEntry
from tests.factories import (
    AccountFactory, GlobalSettingsFactory, ImageModelFactory, IntegrationSettingsFactory,
    TextModelFactory,
)

BASE = "/admin/ai-models"


def text_of(response) -> str:
    """The page text with tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def audit(db, action):
    """AI model audit entries of one action."""
    query = select(AuditEntry).where(AuditEntry.object_type == "ai_model",
                                     AuditEntry.action == action)
    return list(db.session.scalars(query))


def model_count(db) -> int:
    """How many catalogue rows exist."""
    return db.session.scalar(select(func.count()).select_from(AIModelConfig))


@pytest.fixture
def catalogue(db):
    """A small catalogue: one model the global settings use, one accounts override to, one idle."""
    mini = TextModelFactory(display_name="GPT-4o Mini", model_name="gpt-4o-mini",
                            cached_input_price_per_1m=Decimal("0.075"), aliases=["4o-mini"])
    claude = TextModelFactory(provider="anthropic", display_name="Claude 3 Haiku",
                              model_name="claude-3-haiku", input_price_per_1m=Decimal("0.25"),
                              output_price_per_1m=Decimal("1.25"))
    flux = ImageModelFactory(provider="runware", display_name="Runware FLUX", model_name="flux",
                             is_active=False, price_per_image=Decimal("0.0035"))
    GlobalSettingsFactory(openai_model_id=mini.id)
    IntegrationSettingsFactory(account=AccountFactory(name="Acme Ltd"),
                               config={"text_model_id": claude.id})
    db.session.commit()
    return mini, claude, flux


# --- roles -----------------------------------------------------------------------------------

READ_ROUTES = ["/", "/{id}"]
ADMIN_ONLY_GET = ["/new", "/{id}/edit", "/{id}/delete"]
ADMIN_ONLY_POST = ["/new", "/{id}/edit", "/{id}/delete"]


@pytest.mark.parametrize("path", READ_ROUTES + ADMIN_ONLY_GET)
def test_anonymous_is_sent_to_login(client, catalogue, path):
    response = client.get(BASE + path.format(id=catalogue[0].id))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


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
                        {"index", "detail", "toggle", "bulk"} else ("admin",))
            assert view.required_roles == expected, endpoint


def test_sidebar_lists_ai_models_under_ai_and_automation(client, auth, catalogue):
    auth.login("support")
    page = client.get(BASE + "/").get_data(as_text=True)
    first_link = r"AI &amp; Automation</h2>\s*<ul[^>]*>\s*<li[^>]*>\s*<a class=\"nav-link active\""
    assert re.search(first_link + r" href=\"/admin/ai-models/\"", page)
