"""Hostile or malformed input to the admin pages gets a clear 4xx page, never a 500."""
import io
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from igny8.models import Account, AIModelConfig
from tests.factories import AccountFactory, TextModelFactory

HUGE = "9" * 30
NUL_MESSAGE = "Must not contain a NUL (\\x00) character."


@pytest.fixture
def admin(auth, db):
    """An admin signed in, with one text model and one account in the database."""
    TextModelFactory(model_name="gpt-x", display_name="GPT X")
    AccountFactory(name="Acme")
    db.session.commit()
    return auth.login(role="admin")


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("encoded_next", [
    "/%09/evil.com", "//evil.com", "https://evil.com", "/%5Cevil.com", "/%0D%0A/evil.com",
    "/ok%0D%0ASet-Cookie:%20x=1", "%2F%2Fevil.com",
])
def test_bulk_next_that_leaves_the_site_falls_back_to_the_list(client, admin, encoded_next):
    response = client.post("/admin/ai-models/bulk", data=f"action=zzz&next={encoded_next}",
                           content_type=FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/ai-models/"


def test_bulk_next_on_this_site_is_kept(client, admin):
    response = client.post("/admin/ai-models/bulk",
                           data={"action": "zzz", "next": "/admin/ai-models/?q=gpt"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/ai-models/?q=gpt"


def test_toggle_with_an_outside_next_returns_to_the_list(client, admin, db):
    model = db.session.scalars(select(AIModelConfig)).one()
    response = client.post(f"/admin/ai-models/{model.id}/toggle",
                           data="next=/%09/evil.com&active=0", content_type=FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/ai-models/"


@pytest.mark.parametrize("url, field", [
    ("/admin/ai-models/?q=%00", "q"),
    ("/admin/settings/accounts?q=a%00b", "q"),
    ("/admin/history/?actor=%00", "actor"),
])
def test_nul_in_a_query_parameter_is_a_400_naming_it(client, admin, url, field):
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert f"{field}: {NUL_MESSAGE}" in response.get_data(as_text=True)


def test_nul_in_the_login_form_is_a_400_without_signing_in(client):
    response = client.post("/auth/login", data={"email": "a\x00@b.c", "password": "x"})
    assert response.status_code == 400
    assert f"email: {NUL_MESSAGE}" in response.get_data(as_text=True)
    assert client.get("/admin/ai-models/").status_code == 302


def test_nul_in_a_model_form_is_refused_and_nothing_is_stored(client, admin, db):
    response = client.post("/admin/ai-models/new", data={
        "provider": "openai", "model_type": "text", "model_name": "bad\x00name",
        "display_name": "Bad"})
    assert response.status_code == 400
    assert f"model_name: {NUL_MESSAGE}" in response.get_data(as_text=True)
    assert db.session.scalars(select(AIModelConfig.model_name)).all() == ["gpt-x"]


@pytest.mark.parametrize("method, url", [
    ("get", f"/admin/ai-models/{HUGE}"),
    ("get", f"/admin/ai-models/{2**63}"),
    ("post", f"/admin/ai-models/{HUGE}/toggle"),
    ("get", f"/admin/settings/accounts/{HUGE}"),
    ("get", "/admin/ai-models/\u0661"),
])
def test_out_of_range_or_non_ascii_ids_in_the_path_are_404(client, admin, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_the_largest_bigint_id_is_simply_missing(client, admin):
    assert client.get(f"/admin/ai-models/{2**63 - 1}").status_code == 404


@pytest.mark.parametrize("value", [HUGE, "\u00b2", "-1", "0"])
def test_bulk_account_ids_that_are_not_ids_are_a_400(client, admin, value):
    response = client.post("/admin/settings/accounts/bulk",
                           data={"account_ids": value, "action": "text_model:clear"})
    assert response.status_code == 400
    assert "account_ids: every selected account must be an account id." in response.get_data(
        as_text=True)


@pytest.mark.parametrize("url, shown", [
    (f"/admin/settings/accounts?q={HUGE}", "No accounts found."),
    ("/admin/settings/accounts?page=1e20", "Acme"),
    (f"/admin/settings/accounts?page={HUGE}", "Acme"),  # clamped to the last page
    ("/admin/settings/accounts?page=\u00b2", "Acme"),
    ("/admin/history/?page=1e20", "No recorded changes match these filters."),
    (f"/admin/history/?page={HUGE}", "No recorded changes match these filters."),
    ("/admin/history/?page=\u00b2", "No recorded changes match these filters."),
    ("/admin/ai-models/?page=\u00b2", "GPT X"),
    ("/admin/ai-models/?per_page=\u00b2", "GPT X"),
    (f"/admin/ai-models/?page={HUGE}", "GPT X"),
])
def test_odd_page_and_search_values_still_show_the_list(client, admin, url, shown):
    response = client.get(url)
    assert response.status_code == 200
    assert shown in response.get_data(as_text=True)


def test_accounts_search_by_id_still_finds_the_account(client, admin, db):
    account = db.session.scalars(select(Account)).one()
    page = client.get(f"/admin/settings/accounts?q={account.id}").get_data(as_text=True)
    assert "Acme" in page


@pytest.mark.parametrize("ids", [["\u00b2"], [HUGE], ["\u00b2", HUGE]])
def test_bulk_ids_that_are_not_ids_select_nothing(client, admin, ids):
    response = client.post("/admin/ai-models/bulk", data={"action": "activate", "ids": ids},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Tick at least one model to run an action on." in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01&date_to=9999-12-31"])
def test_history_range_to_the_last_representable_day(client, admin, query):
    response = client.get(f"/admin/history/?{query}")
    assert response.status_code == 200
    assert "9999-12-31" in response.get_data(as_text=True)


def test_a_form_post_over_one_mib_is_a_413_page(client, admin):
    response = client.post("/admin/ai-models/new", data={"notes": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "Request Entity Too Large" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/history/ai_model/1%00", "/admin/history/ai%00model/1"])
def test_nul_in_a_history_url_path_is_a_400_naming_the_path(client, admin, url):
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert f"path: {NUL_MESSAGE}" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/history/ai_model/1%00", "/admin/ai-models/?q=%00"])
def test_a_signed_out_probe_is_sent_to_sign_in_before_any_input_check(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("path", ["0001", "01", "0", "+1"])
def test_ids_not_written_canonically_are_404_pages(client, admin, db, path):
    model = db.session.scalars(select(AIModelConfig)).one()
    assert model.id == 1 and client.get("/admin/ai-models/1").status_code == 200
    response = client.get(f"/admin/ai-models/{path}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_chunked_form_post_over_one_mib_is_a_413_and_nothing_is_stored(client, admin, db):
    body = urlencode({"provider": "openai", "model_type": "text", "model_name": "big",
                      "display_name": "Big", "notes": "x" * (1024 * 1024)}).encode()
    response = client.open("/admin/ai-models/new", method="POST", input_stream=io.BytesIO(body),
                           headers={"Transfer-Encoding": "chunked"}, content_type=FORM,
                           environ_overrides={"wsgi.input_terminated": True,
                                              "CONTENT_LENGTH": ""})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert db.session.scalars(select(AIModelConfig.model_name)).all() == ["gpt-x"]


def test_a_small_chunked_form_post_is_read_whole(client, admin, db):
    body = urlencode({"provider": "openai", "model_type": "text", "model_name": "small",
                      "display_name": "Small"}).encode()
    response = client.open("/admin/ai-models/new", method="POST", input_stream=io.BytesIO(body),
                           headers={"Transfer-Encoding": "chunked"}, content_type=FORM,
                           environ_overrides={"wsgi.input_terminated": True,
                                              "CONTENT_LENGTH": ""})
    assert response.status_code == 302
    assert sorted(db.session.scalars(select(AIModelConfig.model_name))) == ["gpt-x", "small"]


def model_form(**changes) -> dict:
    """A valid new-model form, with `changes`."""
    return {"provider": "openai", "model_type": "text", "model_name": "gpt-new",
            "display_name": "GPT New", **changes}


@pytest.mark.parametrize("price", ["1_000", "\u0661\u0665", " 0.15 ", "1e3", "+1", "-0",
                                   "1,000", "NaN", "$ 1", "$$1"])
def test_a_loosely_written_price_on_the_form_is_refused_naming_it(client, admin, db, price):
    response = client.post("/admin/ai-models/new", data=model_form(output_price_per_1m=price))
    assert response.status_code == 400
    assert "Output price must be a number, e.g. 0.60." in response.get_data(as_text=True)
    assert db.session.scalars(select(AIModelConfig.model_name)).all() == ["gpt-x"]


@pytest.mark.parametrize("price, stored", [("", None), ("0.60", "0.600000"), ("$0.60", "0.600000")])
def test_an_empty_or_plain_price_on_the_form_is_kept_as_today(client, admin, db, price, stored):
    response = client.post("/admin/ai-models/new", data=model_form(output_price_per_1m=price))
    assert response.status_code == 302
    model = db.session.scalars(select(AIModelConfig).filter_by(model_name="gpt-new")).one()
    assert (None if model.output_price_per_1m is None
            else f"{model.output_price_per_1m:.6f}") == stored


@pytest.mark.parametrize("field, label", [("display_name", "Display name"),
                                          ("model_name", "Model name")])
def test_a_name_blank_after_normalisation_on_the_form_is_refused(client, admin, db, field, label):
    response = client.post("/admin/ai-models/new", data=model_form(**{field: "\u200b\u200d"}))
    assert response.status_code == 400
    assert f"{label} is required" in response.get_data(as_text=True)
    assert db.session.scalars(select(AIModelConfig.model_name)).all() == ["gpt-x"]


def test_a_chunked_form_post_over_one_mib_is_a_413_even_before_the_csrf_check(
        app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    body = urlencode({"email": "a@b.c", "password": "x" * (1024 * 1024)}).encode()
    response = client.open("/auth/login", method="POST", input_stream=io.BytesIO(body),
                           headers={"Transfer-Encoding": "chunked"}, content_type=FORM,
                           environ_overrides={"wsgi.input_terminated": True,
                                              "CONTENT_LENGTH": ""})
    assert response.status_code == 413 and response.mimetype == "text/html"
