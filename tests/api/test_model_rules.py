"""The API refuses a model breaking several catalogue rules with every field at once."""
from igny8.api.models_routes import is_state_conflict
from igny8.errors import PricingMessage, TakenMessage
from tests.helpers.rows import model_count


def test_the_api_reports_every_rule_at_once(api, db):
    response = api.post("/api/v1/models", {
        "provider": "openai", "model_type": "image", "model_name": "img", "display_name": "Img",
        "price_per_image": "0.04", "output_price_per_1m": "1.00", "context_window": 100,
        "max_output_tokens": 200, "price_checked_on": "2999-01-01"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"output_price_per_1m", "max_output_tokens", "price_checked_on"} <= set(fields)
    assert model_count(db) == 0


def test_a_conflict_is_known_by_the_rule_that_found_it_not_by_its_wording():
    assert is_state_conflict({"model_name": TakenMessage("openai has a model named 'x'")}, False)
    assert not is_state_conflict({"model_name": "already is not a valid name"}, False)
    pricing = {"is_active": PricingMessage("needs prices"), "price_per_image": "required"}
    assert is_state_conflict(pricing, stored=True)
    assert not is_state_conflict(pricing, stored=False)
    assert not is_state_conflict({"is_active": "needs complete pricing"}, stored=True)
