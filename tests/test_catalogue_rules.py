"""The catalogue's row rules added for sense: one name per model whatever its case, display
names unique per provider, prices of the model's type only, output within the context window,
prices not checked in the future; every problem at once on the form and in the API."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from igny8.errors import ValidationFailed
from igny8.services.catalogue import create_model
from tests.helpers.pages import CATALOGUE_URL, model_form_data
from tests.helpers.rows import model_count

TEXT = {"provider": "openai", "model_type": "text", "model_name": "gpt-4o-mini",
        "display_name": "GPT-4o Mini", "is_active": True, "input_price_per_1m": Decimal("0.15"),
        "output_price_per_1m": Decimal("0.60")}
IMAGE = {"provider": "openai", "model_type": "image", "model_name": "dall-e-3",
         "display_name": "DALL-E 3", "is_active": True, "price_per_image": Decimal("0.04")}


def refusal(**fields) -> dict[str, str]:
    """The field messages create_model refuses `fields` with."""
    with pytest.raises(ValidationFailed) as failure:
        create_model(**fields)
    return failure.value.fields


@pytest.mark.parametrize("name", ["GPT-4o-Mini", "gpt-4o-mini ", " GPT-4O-MINI"])
def test_a_name_differing_only_in_case_or_spaces_is_the_same_model(db, name):
    create_model(**TEXT)
    errors = refusal(**{**TEXT, "model_name": name, "display_name": "Other"})
    assert errors["model_name"] == "openai already has a model named 'gpt-4o-mini'"
    assert model_count(db) == 1


def test_an_alias_differing_only_in_case_is_taken(db):
    create_model(**{**TEXT, "aliases": ["4o-mini"]})
    errors = refusal(**{**TEXT, "model_name": "other", "display_name": "Other",
                        "aliases": ["4O-Mini"]})
    assert errors["aliases"] == "Alias '4O-Mini' already names 'gpt-4o-mini' of openai"


def test_a_duplicate_display_name_of_the_provider_is_refused(db):
    create_model(**TEXT)
    errors = refusal(**{**TEXT, "model_name": "gpt-4o-mini-2", "display_name": "gpt-4o mini "})
    assert errors == {"display_name": "openai already has a model displayed as 'GPT-4o Mini'"
                                      " (gpt-4o-mini); choose another display name"}
    create_model(**{**TEXT, "provider": "anthropic"})  # another provider may show the same name
    assert model_count(db) == 2


def test_token_prices_on_an_image_model_and_an_image_price_on_a_text_model(db):
    image = refusal(**{**IMAGE, "input_price_per_1m": Decimal("5")})
    assert image == {"input_price_per_1m": "Input price does not apply to an image model; leave"
                                           " it empty (an image model is priced by price per"
                                           " image)"}
    text = refusal(**{**TEXT, "price_per_image": Decimal("0.04")})
    assert "Price per image does not apply to a text model" in text["price_per_image"]
    assert model_count(db) == 0


def test_max_output_above_the_context_window_and_a_future_check_date(db):
    tomorrow = date.today() + timedelta(days=2)
    errors = refusal(**{**TEXT, "context_window": 8000, "max_output_tokens": 16000,
                        "price_checked_on": tomorrow})
    assert errors["max_output_tokens"] == (
        "max_output_tokens (16,000) is above the context window (8,000); at most 8,000")
    assert errors["price_checked_on"].startswith(
        f"price_checked_on {tomorrow.isoformat()} is in the future")
    create_model(**{**TEXT, "context_window": 8000, "max_output_tokens": 8000,
                    "price_checked_on": date.today() - timedelta(days=1)})
    assert model_count(db) == 1


def field_error(page: str, field: str) -> str:
    """The invalid-feedback text under one field of the model form."""
    match = re.search(rf'id="{field}"[^>]*>(?:[^<]*</textarea>)?\s*'
                      r'<div class="invalid-feedback">([^<]*)</div>', page)
    return match.group(1) if match else ""


def test_the_form_reports_its_own_and_the_catalogue_problems_at_once(client, auth, catalogue):
    auth.login("admin")
    data = model_form_data(model_name="GPT-4O-MINI", display_name="Another mini",
                           input_price_per_1m="abc", price_per_image="0.04",
                           context_window="1000", max_output_tokens="2000")
    response = client.post(CATALOGUE_URL + "/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Input price must be a number" in field_error(page, "input_price_per_1m")
    assert "openai already has a model named &#39;gpt-4o-mini&#39;" in field_error(
        page, "model_name")
    assert "Price per image does not apply to a text model" in field_error(page, "price_per_image")
    assert "is above the context window" in field_error(page, "max_output_tokens")
    assert page.count("Correct the fields marked below.") == 1  # one banner


def test_a_type_change_lists_the_accounts_that_fall_back_before_saving(client, auth, db):
    from igny8.models import AIModelConfig
    from tests.factories import IntegrationSettingsFactory, TextModelFactory
    from tests.helpers.pages import form_values

    model = TextModelFactory(display_name="Spare text", model_name="spare")
    for name in ("Acme Ltd", "Northwind"):
        IntegrationSettingsFactory(account__name=name, config={"text_model_id": model.id})
    db.session.commit()
    auth.login("admin")
    url = f"{CATALOGUE_URL}/{model.id}/edit"
    data = dict(form_values(client.get(url).get_data(as_text=True), "model-form"),
                model_type="image", input_price_per_1m="", output_price_per_1m="",
                cached_input_price_per_1m="", price_per_image="0.04")
    question = client.post(url, data=data)
    page = question.get_data(as_text=True)
    assert question.status_code == 200
    assert "2 accounts override a slot with this model" in page
    assert ">Acme Ltd</a>" in page and ">Northwind</a>" in page
    db.session.expire_all()
    assert db.session.get(AIModelConfig, model.id).model_type == "text"  # asked, not saved
    confirmed = client.post(url, data={**form_values(page, "model-form"),
                                       "confirm_fallback": "yes"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(AIModelConfig, model.id).model_type == "image"
