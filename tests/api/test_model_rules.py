"""The API refuses a model breaking several catalogue rules with every field at once."""
from tests.helpers import model_count


def test_the_api_reports_every_rule_at_once(api, db):
    response = api.post("/api/v1/models", {
        "provider": "openai", "model_type": "image", "model_name": "img", "display_name": "Img",
        "price_per_image": "0.04", "output_price_per_1m": "1.00", "context_window": 100,
        "max_output_tokens": 200, "price_checked_on": "2999-01-01"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"output_price_per_1m", "max_output_tokens", "price_checked_on"} <= set(fields)
    assert model_count(db) == 0
