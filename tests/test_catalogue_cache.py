"""The model list is cached per data state: warm pages match cold ones and every change shows."""
import re
from decimal import Decimal

import pytest

from igny8.catalogue.list_cache import LIST_CACHE
from igny8.catalogue.options import ROW_FRAGMENTS as ROWS
from igny8.models import SLOTS
from igny8.services import account_bulk, account_settings, api_keys
from igny8.services.catalogue import update_model
from igny8.services.global_settings import update_global_settings
from tests.factories import (
    AccountFactory, GlobalSettingsFactory, IntegrationSettingsFactory, TextModelFactory,
)
from tests.helpers.pages import CATALOGUE_URL as BASE
from tests.helpers.api import ApiClient
from tests.helpers.app import AuthActions
from tests.helpers.pages import model_form_data as form_data

LIST = BASE + "/?per_page=100"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def data(db):
    """Mini (the global OpenAI slot), Haiku (Acme's text override), Idle (unused)."""
    mini = TextModelFactory(display_name="GPT-4o Mini", model_name="gpt-4o-mini")
    haiku = TextModelFactory(display_name="Claude 3 Haiku", model_name="claude-3-haiku",
                             provider="anthropic", input_price_per_1m=Decimal("0.25"))
    idle = TextModelFactory(display_name="Idle Model", model_name="idle-model")
    GlobalSettingsFactory(openai_model_id=mini.id)
    settings = IntegrationSettingsFactory(account=AccountFactory(name="Acme"),
                                          config={"text_model_id": haiku.id})
    db.session.commit()
    LIST_CACHE.clear()
    return {"mini": mini, "haiku": haiku, "idle": idle, "acme": settings.account}


def page(client, url: str = LIST) -> str:
    """The list page's HTML, checked to be a 200 (a fresh app context, as in production)."""
    with client.application.app_context():
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def row_of(html: str, model_id: int) -> str:
    """The text of the table row of one model ('' when it is not listed)."""
    match = re.search(rf'<tr>\s*<td><input[^>]*value="{model_id}".*?</tr>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()) if match else ""


def used_by(html: str, model_id: int) -> str:
    """The "Used by" cell of one model."""
    row = re.search(rf'value="{model_id}".*?data-column="used_by">(.*?)</td>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())


@pytest.mark.parametrize("role", ["admin", "support"])
def test_warm_page_is_the_cold_page_from_two_queries(client, auth, db, data, count_queries, role):
    auth.login(role)
    db.session.expire_all()
    with count_queries() as cold:
        first = page(client)
    db.session.expire_all()
    with count_queries() as warm:
        second = page(client)
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert "of 3 models" in text_of_html(second)
    assert warm.count == 2 < cold.count, warm.statements  # the user, the generation
    # Every form on the warm page carries this request's token, as the header's does.
    assert len(set(TOKEN.findall(second))) == 1 and "\x00" not in second


def text_of_html(html: str) -> str:
    """Page text with tags removed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_another_page_of_a_listed_order_reads_no_model_rows(client, auth, db, data,
                                                            count_queries):
    """Once a sort order is listed in a generation, its other pages (each a miss of the page
    cache) come from the cached id order and the cached rows: no query of the catalogue."""
    auth.login("admin")
    url = BASE + "/?per_page=25&sort=-display_name"
    first = page(client, url)
    db.session.expire_all()
    with count_queries() as again:
        second = page(client, url + "&page=01")  # another key of the page cache, same page
    assert not [sql for sql in again.statements if "FROM igny8_ai_model_config" in sql]
    assert tbody(first) == tbody(second)
    names = re.findall(r"(GPT-4o Mini|Idle Model|Claude 3 Haiku)</a>", second)
    assert names == ["Idle Model", "GPT-4o Mini", "Claude 3 Haiku"]


def tbody(html: str) -> str:
    """The table body of a list page (its rows)."""
    return html.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def test_a_page_of_a_cached_order_builds_its_missing_rows_by_id(client, auth, db, data):
    """The id order is cached per query; a row rendered for no page yet is loaded by id."""
    auth.login("admin")
    assert "Idle Model" in page(client, BASE + "/?per_page=25&sort=display_name")
    ROWS.clear()  # the order is known, the rendered rows are not
    html = page(client, BASE + "/?per_page=25&sort=display_name&page=1")
    assert "$0.25" in row_of(html, data["haiku"].id)
    assert re.findall(r"(GPT-4o Mini|Idle Model|Claude 3 Haiku)</a>", html) == [
        "Claude 3 Haiku", "GPT-4o Mini", "Idle Model"]


def test_a_write_reorders_every_cached_order(client, auth, db, data):
    auth.login("admin")
    url = BASE + "/?per_page=25&sort=display_name"
    assert page(client, url).index("Claude 3 Haiku") < page(client, url).index("Idle Model")
    update_model(data["haiku"], display_name="Zeta Haiku")
    html = page(client, url + "&page=1")
    assert html.index("Idle Model") < html.index("Zeta Haiku")


def test_admin_and_support_see_their_own_row_actions(app, client, auth, data):
    edit = f'{BASE}/{data["idle"].id}/edit'
    auth.login("admin")
    support_client = app.test_client()
    AuthActions(support_client).login("support")
    for _ in range(2):  # cold, then warm for both roles
        assert edit in page(client)
        support = page(support_client)
        assert edit not in support and "Deactivate Idle Model" in support
        assert "support Sign out" in text_of_html(support)


def test_query_parameters_are_part_of_the_key(client, auth, data):
    auth.login("admin")
    ascending, descending = page(client), page(client, LIST + "&sort=-display_name")
    assert ascending.index("Claude 3 Haiku") < ascending.index("Idle Model")
    assert descending.index("Idle Model") < descending.index("Claude 3 Haiku")
    assert "of 1 models" in text_of_html(page(client, LIST + "&provider=anthropic"))
    assert "of 3 models" in text_of_html(page(client))


def test_price_edit_and_toggle_show_on_the_next_get(client, auth, db, data):
    auth.login("admin")
    assert "$0.25" in row_of(page(client), data["haiku"].id)
    update_model(data["haiku"], input_price_per_1m=Decimal("0.8"))
    assert "$0.80" in row_of(page(client), data["haiku"].id)
    response = client.post(f'{BASE}/{data["idle"].id}/toggle',
                           data={"next": LIST, "active": "0"})
    assert response.status_code == 302
    assert "Inactive" in row_of(page(client), data["idle"].id)


def test_added_and_deleted_models_show_on_the_next_get(client, auth, db, data):
    auth.login("admin")
    assert "of 3 models" in text_of_html(page(client))
    assert client.post(BASE + "/new", data=form_data()).status_code == 302
    html = page(client)
    assert "of 4 models" in text_of_html(html) and "GPT-4.1" in html
    assert client.post(f'{BASE}/{data["idle"].id}/delete').status_code == 302
    html = page(client)
    assert "of 3 models" in text_of_html(html) and not row_of(html, data["idle"].id)


def _set_by_service(data):
    account_settings.set_account_override(data["acme"].id, "text_model", data["idle"].id)


def _bulk_by_service(data):
    account_bulk.bulk_set_override([data["acme"].id], "text_model", data["idle"].id)


def _set_by_api(data):
    _, raw = api_keys.create_key("integration", "write", actor="cli")
    client = ApiClient(data["app"], data["client"], raw)
    url = f'/api/v1/accounts/{data["acme"].id}/integration-settings'
    assert client.patch(url, {"text_model": data["idle"].id}).status_code == 200


@pytest.mark.parametrize("change", [_set_by_service, _bulk_by_service, _set_by_api])
def test_setting_an_account_override_shows_on_the_next_get(app, client, auth, data, change):
    auth.login("admin")
    html = page(client)
    assert used_by(html, data["idle"].id) == "&mdash;" and used_by(html, data["haiku"].id) == "1"
    change({**data, "app": app, "client": client})
    html = page(client)
    assert used_by(html, data["idle"].id) == "1" and used_by(html, data["haiku"].id) == "&mdash;"


def test_clearing_an_account_override_shows_on_the_next_get(app, client, auth, db, data):
    auth.login("admin")
    assert used_by(page(client), data["haiku"].id) == "1"
    account_settings.clear_account_override(data["acme"].id, "text_model")
    assert used_by(page(client), data["haiku"].id) == "&mdash;"
    _, raw = api_keys.create_key("integration", "write", actor="cli")
    url = f'/api/v1/accounts/{data["acme"].id}/integration-settings'
    api = ApiClient(app, client, raw)
    assert api.patch(url, {"openai_model": data["mini"].id}).status_code == 200
    assert used_by(page(client), data["mini"].id) == "2"
    assert api.patch(url, {"openai_model": None}).status_code == 200
    assert used_by(page(client), data["mini"].id) == "1"


def test_changing_a_global_slot_shows_on_the_next_get(client, auth, db, data):
    auth.login("admin")
    html = page(client)
    assert used_by(html, data["mini"].id) == "1" and used_by(html, data["idle"].id) == "&mdash;"
    selections = {name: None for name in SLOTS} | {"openai_model": data["idle"].id}
    update_global_settings(selections, expected_version=None)
    html = page(client)
    assert used_by(html, data["mini"].id) == "&mdash;" and used_by(html, data["idle"].id) == "1"
