"""One JSON error shape under /api/; the admin keeps its HTML error pages elsewhere."""
import pytest

from igny8.services import catalogue
from tests.helpers.api import error_of


@pytest.fixture
def unhandled_errors_answer_500(app):
    """Let Flask turn an exception into a 500 answer, as in production."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.config["PROPAGATE_EXCEPTIONS"] = None


def test_an_unexpected_failure_is_a_json_500_without_internals(
    api, monkeypatch, unhandled_errors_answer_500
):
    def broken(**fields):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(catalogue, "create_model", broken)
    response = api.post("/api/v1/models", {"provider": "openai", "model_type": "text",
                                           "model_name": "x", "display_name": "X"})
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error" and "hunter2" not in response.get_data(as_text=True)


def test_unknown_api_paths_outside_v1_are_json_too(client):
    response = client.get("/api/v2/models")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_admin_pages_keep_their_html_error_pages(client, auth):
    auth.login(role="admin")
    missing = client.get("/admin/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "Page not found" in missing.get_data(as_text=True)
    wrong_method = client.get("/auth/logout")
    assert wrong_method.status_code == 405 and wrong_method.mimetype == "text/html"
