"""Model dropdowns come from options cached per catalogue state: every change shows at once."""
import re
from decimal import Decimal

import pytest
from flask import g

from igny8.models import AIModelConfig
from igny8.services.catalogue import create_model, deactivate_models, delete_model, update_model
from igny8.settings.forms import AccountSettingsForm, GlobalSettingsForm
from tests.factories import (
    GlobalSettingsFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)
from tests.helpers.app import AuthActions
from tests.helpers.pages import GLOBAL_URL, form_values, options, selected, text

GPT4 = "GPT-4o (gpt-4o) - $2.50/$10.00 per 1M tokens"
MINI = "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens"


def get_global(client) -> str:
    """The global settings page as text, checked to be a 200."""
    response = client.get(GLOBAL_URL)
    assert response.status_code == 200
    return text(response)


def count_get(client, db, count_queries, url: str) -> int:
    """Statements one GET of `url` runs, from a new transaction (as each request starts)."""
    db.session.rollback()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_warm_cache_replaces_the_choice_query(client, auth, db, catalogue, count_queries):
    auth.login("admin")
    cold = count_get(client, db, count_queries, GLOBAL_URL)
    warm = count_get(client, db, count_queries, GLOBAL_URL)
    # the whole content (the global row, the choice models, their scheduled price changes and
    # the follower counts) from the cache: the user and the generation remain
    assert warm == 2 < cold
    TextModelFactory(model_name="gpt-5", display_name="GPT-5")
    db.session.commit()
    assert count_get(client, db, count_queries, GLOBAL_URL) == cold
    assert "GPT-5 (gpt-5) - $0.15/$0.60 per 1M tokens" in options(get_global(client),
                                                                  "openai_model")


def test_every_catalogue_change_shows_on_the_next_get(client, auth, db, catalogue):
    auth.login("admin")
    assert GPT4 in options(get_global(client), "openai_model")
    update_model(catalogue["gpt4"], output_price_per_1m=Decimal("12"))
    page = get_global(client)
    assert "GPT-4o (gpt-4o) - $2.50/$12.00 per 1M tokens" in options(page, "openai_model")
    assert "GPT-4o (gpt-4o) - $2.50/$12.00 per 1M tokens" in options(page, "text_model")
    assert GPT4 not in options(page, "text_model")
    deactivate_models([catalogue["gpt4"]])
    page = get_global(client)
    assert [o for o in options(page, "openai_model") if "gpt-4o)" in o] == []
    added = create_model(provider="openai", model_type="text", model_name="gpt-4.1",
                         display_name="GPT-4.1", is_active=True,
                         input_price_per_1m=Decimal("2"), output_price_per_1m=Decimal("8"))
    page = get_global(client)
    assert "GPT-4.1 (gpt-4.1) - $2.00/$8.00 per 1M tokens" in options(page, "openai_model")
    delete_model(db.session.get(AIModelConfig, added.id))
    page = get_global(client)
    assert options(page, "openai_model")[1:] == [MINI]


def test_model_deactivated_after_caching_is_refused_on_post(client, auth, db, catalogue):
    auth.login("admin")
    get_global(client)
    deactivate_models([catalogue["gpt4"]])
    data = {"openai_model": str(catalogue["gpt4"].id), "dalle_model": "__None",
            "runware_model": "__None", "text_model": "__None", "version": "0"}
    response = client.post(GLOBAL_URL, data=data)
    assert response.status_code == 400
    assert "OpenAI text model: Not a valid choice." in text(response)


def test_selected_and_flagged_options_are_per_request(client, auth, db, catalogue):
    row = GlobalSettingsFactory(openai_model_id=catalogue["gpt4"].id)
    db.session.commit()
    auth.login("admin")
    assert selected(get_global(client), "openai_model") == GPT4
    row.openai_model_id = catalogue["old_gpt"].id
    db.session.commit()
    page = get_global(client)
    flagged = ("GPT-3.5 Turbo (gpt-3.5-turbo) - $0.15/$0.60 per 1M tokens"
               " — inactive — choose a replacement")
    assert selected(page, "openai_model") == flagged
    assert options(page, "openai_model")[1:] == [flagged, GPT4, MINI]
    assert page.count('selected value="') == 4  # one per dropdown: the blanks and the flag


@pytest.mark.parametrize("form_class", [GlobalSettingsForm, AccountSettingsForm])
def test_cached_rendering_is_what_wtforms_renders(app, db, catalogue, form_class):
    catalogue["gpt4"].display_name = 'GPT-4o <"fast"> & cheap'
    IntegrationSettingsFactory()
    db.session.commit()
    current = {"openai_model": catalogue["old_gpt"], "text_model": catalogue["gpt4"],
               "dalle_model": catalogue["dalle"], "runware_model": None}
    blanks = {"openai_model": "None <yet>", "text_model": "b", "dalle_model": "c",
              "runware_model": "d"}
    with app.test_request_context():
        form = form_class(formdata=None, data=current)
        form.use_choices(current, blanks)
        plain = [str(field(class_="form-select")) for field in form.slot_fields()]
        form.use_cached_options()
        cached = [str(field(class_="form-select")) for field in form.slot_fields()]
    assert cached == plain
    assert "GPT-4o &lt;&#34;fast&#34;&gt; &amp; cheap" in cached[3]


def test_cached_rendering_after_a_refused_post_is_what_wtforms_renders(app, db, catalogue):
    current = {"openai_model": catalogue["old_gpt"]}
    posted = {"openai_model": str(catalogue["gpt4"].id), "text_model": "4242",
              "dalle_model": "abc", "runware_model": "__None"}
    with app.test_request_context(method="POST", data=posted):
        form = AccountSettingsForm(meta={"csrf": False}, data=current)
        form.use_choices(current, dict.fromkeys(current | posted, "Use global default"))
        assert not form.validate()
        plain = [str(field()) for field in form.slot_fields()]
        form.use_cached_options()
        cached = [str(field()) for field in form.slot_fields()]
    assert cached == plain
    refused = ["Not a valid choice"]
    assert form.errors == {"text_model": refused, "dalle_model": refused}
    assert f'<option selected value="{catalogue["gpt4"].id}">' in cached[0]


TOKEN_INPUT = re.compile(
    r'<input name="csrf_token" type="hidden" value="([^"]+)" form="slot-form">')


def fresh_request_globals() -> None:
    """Forget the token and user the test's long-lived app context kept from the last request
    (a server's next request starts without them)."""
    g.pop("csrf_token", None)
    g.pop("_login_user", None)


def test_the_cached_page_carries_each_sessions_own_token(app, client, auth, db, catalogue,
                                                         monkeypatch):
    """The content comes from the cache; the CSRF token is written per request, outside it."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    auth.login("admin")
    other = app.test_client()
    AuthActions(other).login("admin", email="second.admin@example.com")
    first = get_global(client)
    fresh_request_globals()
    second = get_global(other)
    tokens = [TOKEN_INPUT.findall(page) for page in (first, second)]
    assert all(len(found) == 1 for found in tokens) and tokens[0] != tokens[1]
    assert TOKEN_INPUT.sub("", first).split("<main")[1] == TOKEN_INPUT.sub("", second).split(
        "<main")[1]
    support = app.test_client()
    AuthActions(support).login("support")
    fresh_request_globals()
    page = get_global(support)
    assert not TOKEN_INPUT.search(page)  # support's own cached content: no form
    assert "only an admin can change them" in page


def test_a_save_with_the_token_outside_the_cached_form_works(app, client, auth, db, catalogue,
                                                             monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    auth.login("admin")
    page = get_global(client)
    posted = form_values(page)
    assert posted["csrf_token"] == TOKEN_INPUT.search(page).group(1)
    posted["openai_model"] = str(catalogue["gpt4"].id)
    assert client.post(GLOBAL_URL, data=posted).status_code == 302
    assert selected(get_global(client), "openai_model").startswith("GPT-4o (gpt-4o)")
    without = dict(posted, openai_model=str(catalogue["gpt"].id))
    del without["csrf_token"]
    assert client.post(GLOBAL_URL, data=without).status_code == 400
