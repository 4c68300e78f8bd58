"""/api/v1/models: listing with filters and pages, reading one."""
import pytest

from tests.helpers.api import error_of
from tests.helpers.rows import commit
from tests.factories import ImageModelFactory, TextModelFactory


def names(response) -> list[str]:
    """model_name of every listed item."""
    return [item["model_name"] for item in response.get_json()["items"]]


def test_list_returns_every_field_with_prices_as_strings(api, catalogue):
    body = api.get("/api/v1/models").get_json()
    assert body["total"] == 4 and body["page"] == 1 and body["pages"] == 1
    mini = next(i for i in body["items"] if i["model_name"] == "gpt-4o-mini")
    assert mini["input_price_per_1m"] == "0.15" and mini["output_price_per_1m"] == "0.60"
    assert mini["price_per_image"] is None
    assert mini["aliases"] == ["gpt-4o-mini-2024-07-18"]
    assert mini["label"] == "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens"
    assert mini["created_at"].endswith("+00:00") and mini["version"] == 1
    assert {"id", "display_name", "provider", "model_type", "is_active", "context_window",
            "max_output_tokens", "deprecation_date", "updated_at"} <= set(mini)


@pytest.mark.parametrize("query,expected", [
    ("provider=anthropic", ["claude-3-5-sonnet"]),
    ("model_type=image", ["dall-e-3"]),
    ("is_active=false", ["gpt-4-turbo"]),
    ("provider=openai&model_type=text&is_active=true", ["gpt-4o-mini"]),
    ("q=SONNET", ["claude-3-5-sonnet"]),
    ("q=turbo", ["gpt-4-turbo"]),
    ("q=2024-07-18", ["gpt-4o-mini"]),
    ("q=%25", []),
    ("q=_", []),
])
def test_list_filters(api, catalogue, query, expected):
    assert names(api.get(f"/api/v1/models?{query}")) == expected


def test_list_pages(api, catalogue):
    first = api.get("/api/v1/models?per_page=3").get_json()
    second = api.get("/api/v1/models?per_page=3&page=2").get_json()
    counts = (first["total"], first["pages"], len(first["items"]), len(second["items"]))
    assert counts == (4, 2, 3, 1)
    listed = [i["id"] for i in first["items"] + second["items"]]
    assert sorted(listed) == sorted(m.id for m in catalogue.values())


@pytest.mark.parametrize("query,field", [
    ("per_page=201", "per_page"), ("page=0", "page"), ("page=x", "page"),
    ("model_type=video", "model_type"), ("is_active=maybe", "is_active"),
    ("providr=openai", "providr"),
])
def test_bad_query_parameters_are_422_naming_the_parameter(api, query, field):
    response = api.get(f"/api/v1/models?{query}")
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_listing_takes_the_same_number_of_queries_for_5_or_60_models(api, db, count_queries):
    def measure() -> int:
        api.get("/api/v1/models?per_page=200")  # stamps the key's last use first
        with count_queries() as counter:
            response = api.get("/api/v1/models?per_page=200")
        assert response.status_code == 200
        return counter.count

    TextModelFactory.create_batch(5)
    commit()
    few = measure()
    TextModelFactory.create_batch(55)
    ImageModelFactory.create_batch(5)
    commit()
    assert measure() == few
    assert few <= 3  # the key, the count, the page


def test_get_one_and_404(api, catalogue):
    body = api.get(f"/api/v1/models/{catalogue['dalle'].id}").get_json()
    assert body["model_name"] == "dall-e-3" and body["price_per_image"] == "0.04"
    response = api.get("/api/v1/models/999999")
    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "fields": {},
                                  "message": "There is no AI model with id 999999."}
