"""API keys at the door: 401 without a live key, 403 for writes with a read key, last-use stamps."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from igny8.models import AIModelConfig, ApiKey
from igny8.services import api_keys
from tests.helpers.api import error_of
from tests.helpers.rows import commit
from tests.factories import AccountFactory, TextModelFactory

WRITES = [
    ("POST", "/api/v1/models", {"provider": "openai", "model_type": "text",
                                "model_name": "new", "display_name": "New"}),
    ("PATCH", "/api/v1/models/{model}", {"display_name": "Renamed"}),
    ("DELETE", "/api/v1/models/{model}", None),
    ("PATCH", "/api/v1/settings/global", {"openai_model": "{model}"}),
    ("PATCH", "/api/v1/accounts/{account}/integration-settings", {"openai_model": "{model}"}),
]
READS = [
    "/api/v1/models", "/api/v1/models/{model}", "/api/v1/settings/global",
    "/api/v1/accounts/{account}/integration-settings",
]


@pytest.fixture
def ids(db):
    """A model and an account the URLs point at."""
    model, account = TextModelFactory(display_name="Kept"), AccountFactory()
    commit()
    return {"model": model.id, "account": account.id}


def fill(template, ids):
    """Put the fixture ids into a URL or body."""
    if isinstance(template, str):
        return template.format(**ids)
    return {k: (ids[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v)
            for k, v in (template or {}).items()} or None


@pytest.mark.parametrize("url", READS)
def test_every_read_without_a_key_is_401_with_a_bearer_challenge(api, ids, url):
    response = api.get(fill(url, ids), key=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in error_of(response)["message"]
    assert error_of(response)["code"] == "unauthorized"


@pytest.mark.parametrize("method,url,body", WRITES)
def test_every_write_without_a_key_is_401(api, ids, method, url, body):
    response = api.request(method, fill(url, ids), fill(body, ids), key=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer not-a-key", "Basic dXNlcjpwYXNz", "Bearer", "token"])
def test_a_wrong_or_malformed_key_is_401(api, header):
    response = api.get("/api/v1/models", key=None, headers={"Authorization": header})
    assert response.status_code == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_a_revoked_key_is_401(api, make_key):
    key, raw = make_key("write", "old-job")
    assert api.get("/api/v1/models", key=raw).status_code == 200
    api_keys.revoke_key(key, actor="cli")
    response = api.get("/api/v1/models", key=raw)
    assert response.status_code == 401
    assert "revoked" in error_of(response)["message"]


@pytest.mark.parametrize("url", READS)
def test_a_read_key_reads(read_api, ids, url):
    assert read_api.get(fill(url, ids)).status_code == 200


@pytest.mark.parametrize("method,url,body", WRITES)
def test_a_read_key_cannot_write_and_nothing_changes(read_api, db, ids, method, url, body):
    before = db.session.scalar(select(func.count()).select_from(AIModelConfig))
    response = read_api.request(method, fill(url, ids), fill(body, ids))
    assert response.status_code == 403
    assert "read scope" in error_of(response)["message"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AIModelConfig)) == before
    assert db.session.get(AIModelConfig, ids["model"]).display_name == "Kept"


def test_last_use_is_stamped_once_a_minute_not_on_every_request(api, db, count_queries):
    key = db.session.get(ApiKey, api.key_row.id)
    assert key.last_used_at is None
    api.get("/api/v1/settings/global")
    db.session.expire_all()
    first = db.session.get(ApiKey, api.key_row.id).last_used_at
    assert first is not None
    with count_queries() as counter:
        api.get("/api/v1/settings/global")
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in counter.statements)
    db.session.expire_all()
    assert db.session.get(ApiKey, api.key_row.id).last_used_at == first

    stale = db.session.get(ApiKey, api.key_row.id)
    stale.last_used_at = first - timedelta(minutes=5)
    db.session.commit()
    api.get("/api/v1/settings/global")
    db.session.expire_all()
    assert db.session.get(ApiKey, api.key_row.id).last_used_at > first - timedelta(minutes=5)


def test_the_api_needs_no_session_and_no_csrf_token(app, api):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = api.post("/api/v1/models", {
            "provider": "openai", "model_type": "text", "model_name": "csrf-free",
            "display_name": "CSRF free",
        })
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 201


@pytest.mark.parametrize("url", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_description_of_the_api_is_public(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "/auth/login" not in response.headers.get("Location", "")
