"""The catalogue screens that read: the list (columns, usage, filters, search, sort, pages, query
count) and one model's page."""
import re

import pytest
from sqlalchemy import select

from igny8.models import Account
from tests.factories import GlobalSettingsFactory, IntegrationSettingsFactory, TextModelFactory
from tests.helpers.pages import CATALOGUE_URL as BASE
from tests.helpers.pages import page_text as text_of

pytestmark = pytest.mark.catalogue("listing")


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
