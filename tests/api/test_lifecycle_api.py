"""/api/v1/models: the lifecycle state, the successor id, and setting the successor."""
from datetime import timedelta

from tests.conftest import TODAY
from tests.factories import TextModelFactory
from tests.helpers import commit


def test_api_returns_state_and_successor_and_accepts_it(api, db):
    new = TextModelFactory(model_name="new")
    old = TextModelFactory(model_name="old", deprecation_date=TODAY + timedelta(days=1))
    commit()
    body = api.get(f"/api/v1/models/{old.id}").get_json()
    assert (body["state"], body["successor_id"]) == ("retiring", None)
    assert body["label"].endswith(" · retires " + (TODAY + timedelta(days=1)).isoformat())
    response = api.patch(f"/api/v1/models/{old.id}", {"successor_id": new.id})
    assert response.status_code == 200 and response.get_json()["successor_id"] == new.id
    refused = api.patch(f"/api/v1/models/{old.id}", {"successor_id": old.id})
    assert refused.status_code == 422
    assert "its own successor" in refused.get_data(as_text=True)
