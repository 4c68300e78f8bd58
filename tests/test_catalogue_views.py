"""The AI model catalogue screens: list, detail, create/edit, toggle, bulk, delete and roles."""
import html as html_module
import re
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from igny8.models import Account, AIModelConfig, GlobalIntegrationSettings
from igny8.models.audit import AuditEntry
from igny8.services.usage import Usage
from tests.factories import GlobalSettingsFactory, IntegrationSettingsFactory, TextModelFactory
from tests.helpers.pages import CATALOGUE_URL as BASE
from tests.helpers.rows import model_count
from tests.helpers.pages import model_form_data as form_data


def text_of(response) -> str:
    """The page text with tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def audit(db, action):
    """AI model audit entries of one action."""
    query = select(AuditEntry).where(AuditEntry.object_type == "ai_model",
                                     AuditEntry.action == action)
    return list(db.session.scalars(query))


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


# --- list --------------------------------------------------------------------------------------

def test_list_shows_columns_prices_status_and_usage(client, auth, catalogue):
    auth.login("admin")
    response = client.get(BASE + "/")
    page = text_of(response)
    for header in ("Display name", "Model name", "Provider", "Type", "Input", "Cached",
                   "Output", "Image $/image", "Context tokens", "Status", "Used by"):
        assert header in page
    assert "GPT-4o Mini gpt-4o-mini OpenAI Text $0.15 $0.075 $0.60" in page
    assert "128,000" in page
    assert "Runware FLUX flux Runware Image" in page and "$0.0035" in page
    assert "Showing 1–3 of 3 models" in page
    html = response.get_data(as_text=True)
    used = re.findall(r'data-column="used_by">\s*([^<\s]+|<span[^>]*>&mdash;)', html)
    assert used[:3] == ["2", "1", "<span class=\"text-body-secondary\">&mdash;"] or used


def test_used_by_counts_global_slots_and_accounts(client, auth, catalogue, db):
    mini, claude, flux = catalogue
    # One account overriding two slots to the same model counts once, as on the detail page.
    IntegrationSettingsFactory(config={"openai_model_id": mini.id, "text_model_id": str(mini.id)})
    db.session.commit()
    auth.login("admin")
    html = client.get(BASE + "/?sort=display_name").get_data(as_text=True)
    cells = re.findall(r'data-column="used_by">\s*(.*?)\s*</td>', html, re.S)
    # Claude 3 Haiku (1 account), GPT-4o Mini (global slot + 1 account), Runware FLUX (unused)
    assert cells[0] == "1" and cells[1] == "2" and "&mdash;" in cells[2]


def test_filters_show_counts_and_combine(client, auth, catalogue):
    auth.login("admin")
    page = text_of(client.get(BASE + "/?active=1"))
    assert "Showing 1–2 of 2 models" in page
    assert "OpenAI 1 Anthropic 1 Runware 0" in page  # provider counts within active models
    assert "Active 2 Inactive 1" in page  # the status facet ignores its own selection
    page = text_of(client.get(BASE + "/?provider=runware&type=image"))
    assert "Runware FLUX" in page and "GPT-4o Mini" not in page
    assert "Showing 1–1 of 1 models" in page


def test_unknown_filter_values_do_not_break_the_page(client, auth, catalogue):
    auth.login("admin")
    response = client.get(BASE + "/?active=maybe&page=abc&per_page=7&sort=password")
    assert response.status_code == 200
    assert "Showing 1–3 of 3 models" in text_of(response)
    assert "No models match." in text_of(client.get(BASE + "/?provider=nobody"))


@pytest.mark.parametrize("term, expected", [
    ("mini", "GPT-4o Mini"), ("4O-MINI", "GPT-4o Mini"), ("haiku", "Claude 3 Haiku"),
    ("claude-3", "Claude 3 Haiku"), ("flux runware", "Runware FLUX"),
])
def test_search_over_names_and_aliases(client, auth, catalogue, term, expected):
    auth.login("admin")
    page = text_of(client.get(BASE + "/", query_string={"q": term}))
    assert "Showing 1–1 of 1 models" in page and expected in page


def test_search_treats_wildcards_literally(client, auth, catalogue):
    auth.login("admin")
    assert "No models match." in text_of(client.get(BASE + "/?q=%25"))
    assert "No models match." in text_of(client.get(BASE + "/?q=_"))


def test_sorting_is_whitelisted_and_reversible(client, auth, catalogue):
    auth.login("admin")

    def order(query):
        html = client.get(BASE + "/" + query).get_data(as_text=True)
        return re.findall(r'data-column="model_name">\s*<code[^>]*>([^<]+)</code>', html)

    assert order("") == ["claude-3-haiku", "gpt-4o-mini", "flux"]
    assert order("?sort=-input_price") == ["claude-3-haiku", "gpt-4o-mini", "flux"]
    assert order("?sort=input_price") == ["gpt-4o-mini", "claude-3-haiku", "flux"]  # nulls last
    assert order("?sort=-model_name") == ["gpt-4o-mini", "flux", "claude-3-haiku"]
    assert order("?sort=used_by") == order("")  # not sortable: default order


def test_pagination_and_page_size(client, auth, db):
    TextModelFactory.create_batch(60)
    db.session.commit()
    auth.login("support")
    page = text_of(client.get(BASE + "/"))
    assert "Showing 1–50 of 60 models" in page
    page = text_of(client.get(BASE + "/?page=2"))
    assert "Showing 51–60 of 60 models" in page
    page = text_of(client.get(BASE + "/?per_page=25&page=3"))
    assert "Showing 51–60 of 60 models" in page
    page = text_of(client.get(BASE + "/?page=99"))  # past the end: the last page
    assert "Showing 51–60 of 60 models" in page
    html = client.get(BASE + "/?per_page=25").get_data(as_text=True)
    assert 'href="/admin/ai-models/?per_page=25&amp;page=2"' in html


def _populate(count, with_global=False):
    """`count` models, every third used by an account, the first by the global settings."""
    models = TextModelFactory.create_batch(count)
    if with_global:
        GlobalSettingsFactory(openai_model_id=models[0].id)
    for model in models[::3]:
        IntegrationSettingsFactory(config={"openai_model_id": model.id})


def test_list_page_runs_a_constant_number_of_queries(app, client, auth, db, count_queries):
    auth.login("admin")
    _populate(3, with_global=True)
    db.session.commit()
    # A fresh app context per request: nothing cached in `g` or the session, as in production.
    with app.app_context(), count_queries() as small:
        assert client.get(BASE + "/?per_page=200").status_code == 200
    _populate(150)
    db.session.commit()
    with app.app_context(), count_queries() as large:
        response = client.get(BASE + "/?per_page=200&q=test")
    assert "of 153 models" in text_of(response)
    assert small.count == large.count <= 6, large.statements
    assert any("igny8_users" in statement for statement in large.statements)  # user load counted


# --- create / edit -----------------------------------------------------------------------------


def field_error(html: str, field: str) -> str:
    """The error text rendered in the same form group as the input named `field`."""
    match = re.search(rf'name="{field}"(.*?)(?:<div class="(?:mb-3|form-check mb-3)">|</form>)',
                      html, re.S)
    errors = re.findall(r'<div class="invalid-feedback">([^<]+)</div>', match.group(1))
    return html_module.unescape(" ".join(errors))


def test_admin_creates_a_model_with_an_audit_entry(client, auth, db):
    auth.login("admin")
    response = client.post(BASE + "/new", data=form_data())
    assert response.status_code == 302
    model = db.session.scalar(select(AIModelConfig).where(AIModelConfig.model_name == "gpt-4.1"))
    assert model.output_price_per_1m == Decimal("8") and model.context_window == 1047576
    assert model.aliases == ["gpt-4.1-2025-04-14", "gpt4.1"] and model.is_active
    assert response.headers["Location"].endswith(f"/admin/ai-models/{model.id}")
    page = text_of(client.get(response.headers["Location"]))
    assert "Added GPT-4.1 (gpt-4.1)." in page and "$2.00" in page
    [entry] = audit(db, "create")
    assert entry.actor_label == auth.user.email
    assert entry.changes["output_price_per_1m"] == [None, "8.00"]


@pytest.mark.parametrize("overrides, field, message", [
    ({"input_price_per_1m": "cheap"}, "input_price_per_1m", "Input price must be a number"),
    ({"price_per_image": "1..2"}, "price_per_image", "Price per image must be a number"),
    ({"output_price_per_1m": "-1"}, "output_price_per_1m", "Output price must be 0 or more"),
    ({"context_window": "lots"}, "context_window", "Context window must be a whole number"),
    ({"max_output_tokens": "0"}, "max_output_tokens", "Max output tokens must be a positive"),
    ({"context_window": "9" * 12}, "context_window", "Context window must be between 1 and"),
    ({"input_price_per_1m": "0.1234567"}, "input_price_per_1m",
     "Input price must have at most 6 decimal places"),
    ({"output_price_per_1m": ""}, "output_price_per_1m", "Output price is required for an active"),
    ({"model_name": ""}, "model_name", "This field is required"),
    ({"aliases": "a, b, a"}, "aliases", "Alias 'a' is listed twice"),
    ({"deprecation_date": "soon"}, "deprecation_date", "Deprecation date must be a date"),
])
def test_bad_input_shows_a_message_next_to_the_field(client, auth, db, overrides, field, message):
    auth.login("admin")
    response = client.post(BASE + "/new", data=form_data(**overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in field_error(html, field), html
    assert model_count(db) == 0 and audit(db, "create") == []
    assert 'value="GPT-4.1"' in html  # what the user typed is kept


def test_duplicate_name_and_alias_are_refused(client, auth, catalogue, db):
    auth.login("admin")
    html = client.post(BASE + "/new", data=form_data(model_name="gpt-4o-mini")).get_data(
        as_text=True)
    assert "openai already has a model named 'gpt-4o-mini'" in field_error(html, "model_name")
    html = client.post(BASE + "/new", data=form_data(aliases="4o-mini")).get_data(as_text=True)
    assert "Alias '4o-mini' already names 'gpt-4o-mini'" in field_error(html, "aliases")
    assert model_count(db) == 3


def test_edit_form_is_filled_and_saves_with_audit(client, auth, catalogue, db):
    mini = catalogue[0]
    auth.login("admin")
    html = client.get(f"{BASE}/{mini.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in html
    assert "4o-mini</textarea>" in html and 'value="0.075"' in html
    data = form_data(display_name="GPT-4o Mini", model_name="gpt-4o-mini", version="1",
                     aliases="4o-mini", output_price_per_1m="0.70")
    response = client.post(f"{BASE}/{mini.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert mini.output_price_per_1m == Decimal("0.70") and mini.version == 2
    [entry] = audit(db, "update")
    assert entry.changes["output_price_per_1m"] == ["0.60", "0.70"]


def test_stale_edit_shows_a_conflict_and_overwrites_nothing(client, auth, catalogue, db):
    mini = catalogue[0]
    auth.login("admin")
    first = form_data(display_name="GPT-4o Mini", model_name="gpt-4o-mini", aliases="4o-mini",
                      version="1", notes="first editor")
    assert client.post(f"{BASE}/{mini.id}/edit", data=first).status_code == 302
    second = dict(first, notes="second editor", output_price_per_1m="9")
    response = client.post(f"{BASE}/{mini.id}/edit", data=second)
    assert response.status_code == 409
    assert "GPT-4o Mini was changed by someone else since you opened it" in text_of(response)
    assert "second editor" in response.get_data(as_text=True)  # the typed values stay on screen
    db.session.expire_all()
    assert mini.notes == "first editor" and mini.output_price_per_1m == Decimal("8")


def test_edit_cannot_deactivate_a_global_default(client, auth, catalogue, db):
    mini = catalogue[0]
    auth.login("admin")
    data = form_data(display_name="GPT-4o Mini", model_name="gpt-4o-mini", aliases="4o-mini",
                     version="1")
    del data["is_active"]
    response = client.post(f"{BASE}/{mini.id}/edit", data=data)
    assert response.status_code == 409  # as the toggle and the API answer the same refusal
    assert "is the OpenAI text model of the Global Integration Settings" in field_error(
        response.get_data(as_text=True), "is_active")
    db.session.expire_all()
    assert mini.is_active and audit(db, "update") == []


# --- detail ------------------------------------------------------------------------------------

def test_detail_shows_fields_and_used_by(client, auth, catalogue, db):
    mini, claude, flux = catalogue
    auth.login("support")
    response = client.get(f"{BASE}/{mini.id}")
    page = text_of(response)
    assert "Input ($ per 1M tokens) $0.15" in page
    assert "Cached input ($ per 1M tokens) $0.075" in page
    assert "Used by Global Integration Settings OpenAI text model" in page
    html = response.get_data(as_text=True)
    assert 'href="/admin/settings/global">OpenAI text model</a>' in html
    assert f'href="/admin/history/ai_model/{mini.id}"' in html
    response = client.get(f"{BASE}/{claude.id}")
    page, html = text_of(response), response.get_data(as_text=True)
    assert "Account overrides (1) Acme Ltd" in page and "Text model (any provider)" in page
    account_id = db.session.scalar(select(Account.id).where(Account.name == "Acme Ltd"))
    assert f'href="/admin/settings/accounts/{account_id}">Acme Ltd</a>' in html
    assert "Nothing uses this model." in text_of(client.get(f"{BASE}/{flux.id}"))
    assert client.get(f"{BASE}/999999").status_code == 404


# --- toggle and bulk ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "support"])
def test_toggle_activates_and_deactivates(client, auth, catalogue, db, role):
    _, _, flux = catalogue
    auth.login(role)
    response = client.post(f"{BASE}/{flux.id}/toggle",
                           data={"next": "/admin/ai-models/?type=image", "active": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("?type=image")
    db.session.expire_all()
    assert flux.is_active
    response = client.post(f"{BASE}/{flux.id}/toggle", data={"active": "0"},
                           follow_redirects=True)
    assert "Deactivated 1 model." in text_of(response)
    db.session.expire_all()
    assert not flux.is_active
    assert [e.action for e in audit(db, "activate") + audit(db, "deactivate")] == [
        "activate", "deactivate"]
    assert audit(db, "activate")[0].actor_label == auth.user.email


def test_toggle_ignores_an_external_next(client, auth, catalogue):
    auth.login("admin")
    response = client.post(f"{BASE}/{catalogue[2].id}/toggle", data={"next": "//evil.example/",
                                                                     "active": "1"})
    assert response.headers["Location"].endswith("/admin/ai-models/")


def test_toggle_refuses_a_global_default_and_links_to_settings(client, auth, catalogue, db):
    mini = catalogue[0]
    auth.login("support")
    response = client.post(f"{BASE}/{mini.id}/toggle", data={"active": "0"})
    assert response.status_code == 409
    page = text_of(response)
    assert "Cannot deactivate GPT-4o Mini (gpt-4o-mini)" in page
    assert "GPT-4o Mini (gpt-4o-mini) is the OpenAI text model of the Global Integration" in page
    assert 'href="/admin/settings/global">Change the Global Integration Settings</a>' in (
        response.get_data(as_text=True))
    db.session.expire_all()
    assert mini.is_active and audit(db, "deactivate") == []


def test_toggle_of_an_overridden_model_asks_first_and_names_accounts(client, auth, catalogue, db):
    claude = catalogue[1]
    auth.login("admin")
    response = client.post(f"{BASE}/{claude.id}/toggle", data={"active": "0"})
    assert response.status_code == 200
    page = text_of(response)
    assert "1 account override to this model and will fall back to the global default: Acme Ltd" \
        in page
    db.session.expire_all()
    assert claude.is_active  # nothing changes until confirmed
    response = client.post(f"{BASE}/bulk", data={"action": "deactivate", "ids": [claude.id],
                                                 "confirm": "yes"}, follow_redirects=True)
    assert "Deactivated 1 model." in text_of(response)
    db.session.expire_all()
    assert not claude.is_active


def test_activating_an_unpriced_model_is_refused(client, auth, db):
    bare = TextModelFactory(display_name="Bare", is_active=False, input_price_per_1m=None)
    db.session.commit()
    auth.login("admin")
    response = client.post(f"{BASE}/{bare.id}/toggle", data={"active": "1"})
    assert response.status_code == 409
    page = text_of(response)
    assert "Cannot activate Bare" in page and "lacks input price per 1m" in page
    db.session.expire_all()
    assert not bare.is_active


@pytest.mark.parametrize("role", ["admin", "support"])
def test_bulk_confirmation_then_apply(client, auth, catalogue, db, role):
    mini, claude, flux = catalogue
    auth.login(role)
    extra = TextModelFactory(display_name="Extra", is_active=False)
    db.session.commit()
    response = client.post(f"{BASE}/bulk", data={"action": "activate", "ids": [flux.id, extra.id],
                                                 "next": "/admin/ai-models/?active=0"})
    page = text_of(response)
    assert response.status_code == 200 and "Activate 2 models?" in page
    assert "Extra" in page and "Runware FLUX" in page and "Yes, activate" in page
    db.session.expire_all()
    assert not flux.is_active  # the first POST only asks
    response = client.post(f"{BASE}/bulk", data={"action": "activate", "confirm": "yes",
                                                 "ids": [flux.id, extra.id, mini.id],
                                                 "next": "/admin/ai-models/?active=0"})
    assert response.headers["Location"].endswith("/admin/ai-models/?active=0")
    db.session.expire_all()
    assert flux.is_active and extra.is_active
    assert len(audit(db, "activate")) == 2  # the already active one is untouched
    assert "Activated 2 models. 1 already active." in text_of(client.get("/admin/ai-models/"))


def test_bulk_deactivation_with_a_global_default_changes_nothing(client, auth, catalogue, db):
    mini, claude, _ = catalogue
    auth.login("admin")
    response = client.post(f"{BASE}/bulk", data={"action": "deactivate",
                                                 "ids": [mini.id, claude.id]})
    page = text_of(response)
    assert "cannot be deactivated while a global setting uses them" in page
    assert "Yes, deactivate" not in page
    assert "will fall back to the global default: Acme Ltd" in page
    response = client.post(f"{BASE}/bulk", data={"action": "deactivate", "confirm": "yes",
                                                 "ids": [mini.id, claude.id]})
    assert response.status_code == 409
    db.session.expire_all()
    assert mini.is_active and claude.is_active and audit(db, "deactivate") == []


def test_bulk_without_action_or_rows(client, auth, catalogue):
    auth.login("support")
    page = text_of(client.post(f"{BASE}/bulk", data={"action": "activate"}, follow_redirects=True))
    assert "Tick at least one model to run an action on. No models were changed." in page
    page = text_of(client.post(f"{BASE}/bulk", data={"action": "drop", "ids": [1]},
                               follow_redirects=True))
    assert "Choose an action to run on the selected models." in page


def test_bulk_bar_and_checkboxes_on_the_list(client, auth, catalogue):
    auth.login("support")
    html = client.get(BASE + "/").get_data(as_text=True)
    assert '<form id="bulk-form" method="post" action="/admin/ai-models/bulk"' in html
    assert f'name="ids" value="{catalogue[0].id}"\n          form="bulk-form"' in html
    assert '<option value="deactivate">Deactivate selected models</option>' in html


# --- delete ------------------------------------------------------------------------------------

def test_delete_is_refused_with_the_list_of_users(client, auth, catalogue, db):
    mini, claude, _ = catalogue
    auth.login("admin")
    page = text_of(client.get(f"{BASE}/{claude.id}/delete"))
    assert "cannot be deleted while it is used" in page and "Acme Ltd" in page
    assert "or deactivate it instead" in page
    assert "or deactivate it instead" not in text_of(client.get(f"{BASE}/{mini.id}/delete"))
    assert "Yes, delete it" not in page
    response = client.post(f"{BASE}/{mini.id}/delete")
    assert response.status_code == 409
    assert "Cannot delete GPT-4o Mini (gpt-4o-mini): used by global setting OpenAI text model" \
        in text_of(response)
    assert model_count(db) == 3 and audit(db, "delete") == []


def test_delete_an_unused_model(client, auth, catalogue, db):
    flux = catalogue[2]
    auth.login("admin")
    assert "Yes, delete it" in text_of(client.get(f"{BASE}/{flux.id}/delete"))
    response = client.post(f"{BASE}/{flux.id}/delete", follow_redirects=True)
    assert "Deleted Runware FLUX (flux)." in text_of(response)
    assert model_count(db) == 2
    [entry] = audit(db, "delete")
    assert entry.changes["price_per_image"] == ["0.0035", None]


@pytest.fixture
def enforced_foreign_keys(db):
    """SQLite checks foreign keys only when asked per connection; ask for this test."""
    def enable(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    if db.engine.dialect.name != "sqlite":
        yield
        return
    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", enable)
    yield
    db.session.remove()
    event.remove(db.engine, "connect", enable)
    db.engine.dispose()


def test_delete_backstop_turns_an_integrity_error_into_a_message(
        enforced_foreign_keys, client, auth, catalogue, db, monkeypatch):
    flux = catalogue[2]
    auth.login("admin")
    # A reference the usage check cannot see (e.g. written by another process just now).
    monkeypatch.setattr("igny8.services.usage.usage_for",
                        lambda ids, account_limit=None: {i: Usage() for i in ids})
    db.session.execute(
        GlobalIntegrationSettings.__table__.update().values(runware_model_id=flux.id))
    db.session.commit()
    response = client.post(f"{BASE}/{flux.id}/delete")
    assert response.status_code == 409
    assert "Cannot delete Runware FLUX (flux): another record still refers to it." in text_of(
        response)
    assert model_count(db) == 3


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


def test_every_field_problem_is_shown_at_once(client, auth, db):
    auth.login("admin")
    response = client.post(BASE + "/new", data=form_data(
        input_price_per_1m="abc", context_window="-5", cached_input_price_per_1m="-0.1"))
    html = response.get_data(as_text=True)
    assert "Input price must be a number" in field_error(html, "input_price_per_1m")
    assert "Context window must be a positive number" in field_error(html, "context_window")
    cached = field_error(html, "cached_input_price_per_1m")
    assert "Cached input price must be 0 or more" in cached
    assert "Correct the fields marked below." in text_of(response)
    assert model_count(db) == 0


def test_many_overriding_accounts_are_counted_not_all_named(client, auth, db):
    popular = TextModelFactory(display_name="Popular")
    for number in range(53):
        IntegrationSettingsFactory(account__name=f"Client {number:02d}",
                                   config={"openai_model_id": popular.id})
    db.session.commit()
    auth.login("admin")
    page = text_of(client.get(f"{BASE}/{popular.id}"))
    assert "Account overrides (53)" in page and "Client 49" in page and "Client 50" not in page
    assert "… and 3 more accounts" in page
    page = text_of(client.post(f"{BASE}/{popular.id}/toggle", data={"active": "0"}))
    assert "53 accounts override to this model" in page and "Client 49 and 3 more." in page


def test_support_is_told_to_ask_an_admin_and_the_refusal_shows_once(client, auth, catalogue, db):
    mini = catalogue[0]
    auth.login("support")
    page = text_of(client.post(f"{BASE}/{mini.id}/toggle", data={"active": "0"}))
    assert "Only an admin can change them; ask one:" in page
    assert page.count("Cannot deactivate GPT-4o Mini (gpt-4o-mini)") == 1
    bare = TextModelFactory(display_name="Bare", is_active=False, input_price_per_1m=None)
    db.session.commit()
    refused = text_of(client.post(f"{BASE}/{bare.id}/toggle", data={"active": "1"}))
    assert "Ask an admin to add the missing prices." in refused and "add prices</a>" not in refused


def test_an_admin_is_told_to_change_the_settings_themselves(client, auth, catalogue):
    auth.login("admin")
    page = text_of(client.post(f"{BASE}/{catalogue[0].id}/toggle", data={"active": "0"}))
    assert "ask one" not in page and "Change the Global Integration Settings first" in page


def test_refusals_are_reworded_for_support_only():
    from igny8.catalogue.wording import for_viewer
    message = "Cannot activate Bare: an active model needs complete pricing for its type. " \
              "Add the missing prices first."
    assert for_viewer(message, True) == message
    assert for_viewer(message, False).endswith("Ask an admin to add the missing prices.")
    deactivate = "Cannot deactivate A (a): A is the OpenAI text model of the Global Integration" \
                 " Settings; choose another model there before deactivating it."
    assert "ask an admin to choose another model there" in for_viewer(deactivate, False)
