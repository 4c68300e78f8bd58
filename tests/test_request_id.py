"""Every response names its request (X-Request-ID), and log records carry the same id."""
import logging

import pytest

from igny8.services import api_keys

HEADER = "X-Request-ID"


@pytest.mark.parametrize("url", ["/healthz", "/auth/login", "/admin/ai-models/", "/nowhere",
                                 "/api/v1/models", "/api/v1/openapi.json", "/api/v1/nowhere"])
def test_every_response_has_a_fresh_request_id(client, db, url):
    first, second = client.get(url), client.get(url)
    assert len(first.headers[HEADER]) == 32
    assert first.headers[HEADER] != second.headers[HEADER]


def test_a_sane_client_request_id_is_kept(client, db):
    response = client.get("/healthz", headers={HEADER: "job-42.retry:1"})
    assert response.headers[HEADER] == "job-42.retry:1"


@pytest.mark.parametrize("sent", ["a b", "x" * 129, "-leading-dash", "ünïcode", "a;b", ""])
def test_an_odd_client_request_id_is_replaced(client, db, sent):
    response = client.get("/healthz", headers={HEADER: sent})
    assert response.headers[HEADER] != sent and len(response.headers[HEADER]) == 32


def test_a_failing_api_request_is_logged_with_its_request_id(
        app, client, db, caplog, monkeypatch):
    _, raw = api_keys.create_key("logging-key", "read", actor="cli")

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("igny8.api.models_routes.get_model_or_404", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as in production
    with caplog.at_level(logging.ERROR):
        headers = {"Authorization": f"Bearer {raw}", HEADER: "trace-7"}
        response = client.get("/api/v1/models/1", headers=headers)
    assert response.status_code == 500 and response.headers[HEADER] == "trace-7"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and {record.request_id for record in errors} == {"trace-7"}
