"""/api/v1/models: the lifecycle state, the successor id, and setting the successor."""
from datetime import timedelta

from sqlalchemy import select

from igny8.models import IntegrationSettings
from tests.helpers.app import TODAY
from tests.factories import IntegrationSettingsFactory, TextModelFactory
from tests.helpers.rows import commit


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


def test_replace_dry_run_then_apply(api, db):
    old = TextModelFactory(model_name="old")
    new = TextModelFactory(model_name="new")
    IntegrationSettingsFactory(config={"text_model_id": old.id, "dalle_model_id": old.id})
    commit()
    preview = api.post(f"/api/v1/models/{old.id}/replace", {"target_id": new.id, "dry_run": True})
    body = preview.get_json()
    assert preview.status_code == 200 and body["applied"] is False
    assert [m["slot"] for m in body["moves"]] == ["text_model"]
    assert body["blocked"][0]["reason"] == "new is an openai text model, not openai image"
    stale = api.post(f"/api/v1/models/{old.id}/replace", {"target_id": new.id, "token": "x"})
    assert stale.status_code == 409
    done = api.post(f"/api/v1/models/{old.id}/replace",
                    {"target_id": new.id, "token": body["token"]})
    assert done.status_code == 200 and done.get_json()["applied"] is True
    settings = db.session.scalars(select(IntegrationSettings)).one()
    db.session.refresh(settings)
    assert settings.config == {"text_model_id": new.id, "dalle_model_id": old.id}


def test_replace_needs_a_write_key(api, db, make_key):
    old = TextModelFactory(model_name="old")
    new = TextModelFactory(model_name="new")
    commit()
    _, read_key = make_key("read", "reader")
    refused = api.post(f"/api/v1/models/{old.id}/replace",
                       {"target_id": new.id, "dry_run": True}, key=read_key)
    assert refused.status_code == 403


def test_the_cached_list_follows_the_day(api, db, set_today):
    TextModelFactory(model_name="soon", deprecation_date=TODAY + timedelta(days=1))
    commit()
    first = api.get("/api/v1/models?q=soon").get_json()["items"]
    assert [item["state"] for item in first] == ["retiring"]
    set_today(TODAY + timedelta(days=1))
    again = api.get("/api/v1/models?q=soon").get_json()["items"]
    assert [item["state"] for item in again] == ["retired"]
