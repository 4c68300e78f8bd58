"""The cached JSON list pages follow every change to the catalogue."""
from decimal import Decimal

from igny8.api.models_routes import LIST_PAGES
from igny8.services import catalogue as catalogue_service
from tests.helpers.rows import commit
from tests.factories import TextModelFactory

URL = "/api/v1/models?provider=openai&per_page=100"


def listed(api) -> dict:
    """model_name → (input price, active) as the list shows it."""
    items = api.get(URL).get_json()["items"]
    return {i["model_name"]: (i["input_price_per_1m"], i["is_active"]) for i in items}


def test_warm_and_cold_pages_are_identical(api, db):
    TextModelFactory.create_batch(3)
    commit()
    LIST_PAGES.clear()
    cold = api.get(URL)
    warm = api.get(URL)
    assert cold.status_code == warm.status_code == 200
    assert cold.data == warm.data and warm.mimetype == "application/json"
    assert len(LIST_PAGES) == 1


def test_edits_toggles_additions_and_deletions_show_on_the_next_list(api, db):
    model = TextModelFactory(model_name="writer", input_price_per_1m=Decimal("0.15"))
    spare = TextModelFactory(model_name="spare")
    commit()
    assert listed(api)["writer"] == ("0.15", True)
    catalogue_service.update_model(model, input_price_per_1m="0.25")
    assert listed(api)["writer"] == ("0.25", True)
    catalogue_service.deactivate_models([model])
    assert listed(api)["writer"] == ("0.25", False)
    api.post("/api/v1/models", {"provider": "openai", "model_type": "text",
                                "model_name": "newcomer", "display_name": "Newcomer"})
    assert "newcomer" in listed(api)
    catalogue_service.delete_model(spare)
    assert "spare" not in listed(api)
