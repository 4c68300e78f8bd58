"""GET/POST /api/v1/models/{id}/prices and the scheduled price on a model's GET."""
from decimal import Decimal

from sqlalchemy import func, select

from igny8.models import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from tests.helpers.api import error_of

NEW = {"input_price_per_1m": "0.20", "output_price_per_1m": "0.80"}


def version_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ModelPriceVersion))


def url(model) -> str:
    return f"/api/v1/models/{model.id}/prices"


def test_a_version_added_now_is_listed_and_is_the_models_price(api, db, catalogue):
    mini = catalogue["mini"]
    response = api.post(url(mini), {**NEW, "source": "https://openai.com/api/pricing"})
    assert response.status_code == 201
    added = response.get_json()
    assert (added["input_price_per_1m"], added["created_by"]) == ("0.20", "api-key:integration")
    assert added["effective_from"].endswith("+00:00")
    listed = api.get(url(mini)).get_json()
    assert [v["input_price_per_1m"] for v in listed["items"]] == ["0.20"]
    assert listed["in_force_id"] == added["id"] and listed["scheduled_id"] is None
    model = api.get(f"/api/v1/models/{mini.id}").get_json()
    assert (model["input_price_per_1m"], model["scheduled_price"]) == ("0.20", None)


def test_a_scheduled_version_shows_on_the_model_and_keeps_its_price(api, db, catalogue):
    mini = catalogue["mini"]
    before = api.get(f"/api/v1/models/{mini.id}")
    response = api.post(url(mini), {**NEW, "effective_from": "2031-01-01T00:00:00Z",
                                    "tier_threshold_tokens": 200000,
                                    "tier_input_price_per_1m": "0.40"})
    assert response.status_code == 201
    model = api.get(f"/api/v1/models/{mini.id}", headers={"If-None-Match": before.headers["ETag"]})
    assert model.status_code == 200  # the ETag moved: the model's pricing changed
    body = model.get_json()
    assert body["input_price_per_1m"] == before.get_json()["input_price_per_1m"]
    assert body["scheduled_price"]["effective_from"] == "2031-01-01T00:00:00+00:00"
    assert body["scheduled_price"]["tier_input_price_per_1m"] == "0.40"
    listed = api.get("/api/v1/models?q=gpt-4o-mini").get_json()["items"]
    assert listed[0]["scheduled_price"]["input_price_per_1m"] == "0.20"


def test_a_refused_version_names_its_fields_and_writes_nothing(api, db, catalogue):
    mini, dalle = catalogue["mini"], catalogue["dalle"]
    cases = [
        (mini, {"input_price_per_1m": "0.20"}, "output_price_per_1m"),
        (mini, {**NEW, "tier_output_price_per_1m": "1"}, "tier_output_price_per_1m"),
        (mini, {**NEW, "input_price_per_1m": 0.2}, "input_price_per_1m"),
        (mini, {**NEW, "effective_from": "soon"}, "effective_from"),
        (dalle, {"price_per_image": "0.05", "input_price_per_1m": "1"}, "input_price_per_1m"),
    ]
    for model, body, field in cases:
        response = api.post(url(model), body)
        assert response.status_code == 422, body
        assert field in error_of(response)["fields"], error_of(response)
    assert version_count(db) == 0
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).output_price_per_1m == Decimal("0.60")


def test_a_second_version_at_the_same_moment_is_a_409(api, db, catalogue):
    body = {**NEW, "effective_from": "2031-01-01T00:00:00Z"}
    assert api.post(url(catalogue["mini"]), body).status_code == 201
    response = api.post(url(catalogue["mini"]), body)
    assert response.status_code == 409
    assert error_of(response)["fields"] == {"effective_from": "taken"}
    assert version_count(db) == 1


def test_unknown_models_are_404_and_reads_cannot_write(api, read_api, db, catalogue):
    assert api.get("/api/v1/models/999/prices").status_code == 404
    assert api.post("/api/v1/models/999/prices", NEW).status_code == 404
    assert read_api.post(url(catalogue["mini"]), NEW).status_code == 403
    assert read_api.get(url(catalogue["mini"])).status_code == 200
    assert version_count(db) == 0


def test_a_patch_with_new_prices_adds_a_version_and_may_date_it(api, db, catalogue):
    mini = catalogue["mini"]
    assert api.patch(f"/api/v1/models/{mini.id}", {"notes": "x"}).status_code == 200
    assert version_count(db) == 0  # unchanged prices: no version
    response = api.patch(f"/api/v1/models/{mini.id}",
                         {"input_price_per_1m": "0.30", "effective_from": "2031-06-01"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["input_price_per_1m"] == "0.15"
    assert body["scheduled_price"]["input_price_per_1m"] == "0.30"
    items = api.get(url(mini)).get_json()["items"]
    assert [v["input_price_per_1m"] for v in items] == ["0.15", "0.30"]
    refused = api.patch(f"/api/v1/models/{mini.id}", {"tier_threshold_tokens": 1000})
    assert refused.status_code == 422 and "tier_threshold_tokens" in error_of(refused)["fields"]
