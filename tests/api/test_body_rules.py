"""The rules across one body's fields: stated in the document, checked alike by the server;
a body that fits them but not the stored model is a 409, one that breaks them a 422."""
from decimal import Decimal
from itertools import combinations

import pytest
from openapi_schema_validator import OAS30Validator
from sqlalchemy import func, select

from igny8.api import body_rules
from igny8.models import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from tests.helpers.api import error_of

VALUES = {"input_price_per_1m": "1", "output_price_per_1m": "2", "price_per_image": "0.04",
          "tier_threshold_tokens": 200000, "tier_input_price_per_1m": "3"}
TYPES = (None, "text", "image")


def bodies():
    """Every model_type (or none) with every subset of the price fields above, and each field
    of a subset also sent as null."""
    names = list(VALUES)
    for size in range(len(names) + 1):
        for subset in combinations(names, size):
            for model_type in TYPES:
                body = {name: VALUES[name] for name in subset}
                if model_type:
                    body["model_type"] = model_type
                yield body
                if subset:
                    yield {**body, subset[0]: None}


def valid(spec: dict, schema_name: str, body: dict) -> bool:
    """Whether the body passes the document's schema (the rules in its allOf)."""
    schema = spec["components"]["schemas"][schema_name]
    validator = OAS30Validator({**schema, "components": spec["components"]})
    return not list(validator.iter_errors(body))


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def test_the_document_and_the_check_agree_on_model_changes(spec):
    outcomes = []
    for body in bodies():
        outcomes.append(valid(spec, "ModelUpdate", body))
        assert outcomes[-1] == body_rules.fits_document(body), body
    assert len(outcomes) == 189 and 0 < sum(outcomes) < 189  # 2^5 subsets x 3 types, nulls


def test_the_document_and_the_check_agree_on_price_versions(spec):
    for body in bodies():
        body.pop("model_type", None)
        assert valid(spec, "PriceVersionCreate", body) == \
            body_rules.fits_document(body, required=True), body


@pytest.mark.parametrize("body, fits", [
    ({"model_type": "text", "input_price_per_1m": "1"}, True),
    ({"model_type": "text", "price_per_image": "1"}, False),
    ({"model_type": "image", "price_per_image": "1", "tier_threshold_tokens": 5}, False),
    ({"model_type": "image", "input_price_per_1m": None, "price_per_image": "1"}, True),
    ({"tier_input_price_per_1m": "1"}, False),
    ({"tier_threshold_tokens": 5}, False),
    ({"tier_threshold_tokens": 5, "tier_output_price_per_1m": "1"}, True),
    ({"tier_threshold_tokens": None, "tier_input_price_per_1m": None}, True),
])
def test_the_rules_read_as_the_admin_guide_says(body, fits):
    assert body_rules.fits_document(body) is fits


def test_a_new_model_breaking_a_rule_is_a_422_naming_the_field(api, db, catalogue):
    base = {"provider": "runware", "model_name": "pix", "display_name": "Pix",
            "is_active": False}
    cases = [({**base, "model_type": "image", "input_price_per_1m": "1"}, "input_price_per_1m"),
             ({**base, "model_type": "text", "price_per_image": "1"}, "price_per_image"),
             ({**base, "model_type": "text", "tier_input_price_per_1m": "1"},
              "tier_input_price_per_1m")]
    count = db.session.scalar(select(func.count()).select_from(AIModelConfig))
    for body, field in cases:
        response = api.post("/api/v1/models", body)
        assert response.status_code == 422, body
        assert field in error_of(response)["fields"]
    assert db.session.scalar(select(func.count()).select_from(AIModelConfig)) == count


def test_a_change_that_fits_the_rules_but_not_the_stored_type_is_a_409(api, db, catalogue):
    dalle = catalogue["dalle"]
    response = api.patch(f"/api/v1/models/{dalle.id}", {"input_price_per_1m": "1"})
    assert response.status_code == 409
    assert "input_price_per_1m" in error_of(response)["fields"]
    itself = api.patch(f"/api/v1/models/{dalle.id}",
                       {"model_type": "image", "input_price_per_1m": "1"})
    assert itself.status_code == 422  # the body breaks the rule on its own
    tier_body = {"tier_threshold_tokens": 1000, "tier_input_price_per_1m": "1"}
    tier = api.patch(f"/api/v1/models/{dalle.id}", tier_body)
    assert tier.status_code == 409  # an image model has no tier
    db.session.expire_all()
    stored = db.session.get(AIModelConfig, dalle.id)
    assert stored.input_price_per_1m is None and stored.version == dalle.version


def test_a_price_version_of_the_other_type_is_a_409_and_writes_nothing(api, db, catalogue):
    dalle, mini = catalogue["dalle"], catalogue["mini"]
    text = {"input_price_per_1m": "0.20", "output_price_per_1m": "0.80"}
    response = api.post(f"/api/v1/models/{dalle.id}/prices", text)
    assert response.status_code == 409
    assert set(error_of(response)["fields"]) >= {"input_price_per_1m", "price_per_image"}
    image = api.post(f"/api/v1/models/{mini.id}/prices", {"price_per_image": "0.05"})
    assert image.status_code == 409
    both = api.post(f"/api/v1/models/{mini.id}/prices", {**text, "price_per_image": "0.05"})
    assert both.status_code == 422  # no type has both
    assert db.session.scalar(select(func.count()).select_from(ModelPriceVersion)) == 0
    db.session.expire_all()
    assert db.session.get(AIModelConfig, dalle.id).price_per_image == dalle.price_per_image
    assert isinstance(dalle.price_per_image, Decimal)
