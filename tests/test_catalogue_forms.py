"""The catalogue's create and edit forms: saving with history, every field problem next to its
field, taken names, stale edits, a global default kept active."""
import html as html_module
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.models import AIModelConfig
from tests.helpers.pages import CATALOGUE_URL as BASE
from tests.helpers.pages import model_form_data as form_data
from tests.helpers.pages import page_text as text_of
from tests.helpers.rows import audit_rows, model_count

pytestmark = pytest.mark.catalogue("listing")


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
    [entry] = audit_rows(db, action="create")
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
    assert model_count(db) == 0 and audit_rows(db, action="create") == []
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
    [entry] = audit_rows(db, action="update")
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
    assert mini.is_active and audit_rows(db, action="update") == []


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
