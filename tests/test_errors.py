"""igny8.errors: one status per refusal for the API and the pages, and one JSON error body."""
from __future__ import annotations

import pytest

from igny8.admin.errors import render_domain_error
from igny8.errors import (
    ConflictError,
    DomainError,
    ModelInUse,
    ResolutionError,
    ValidationFailed,
    api_status,
    error_response,
    page_status,
)


@pytest.mark.parametrize("error, api, page", [
    (ModelInUse("in use"), 409, 409),
    (ConflictError("stale"), 409, 409),
    (ValidationFailed("bad", {"name": "required"}), 422, 400),
    (ResolutionError("text_model", "nothing fits"), 422, 400),
    (DomainError("refused"), 422, 400),
])
def test_each_refusal_has_one_api_and_one_page_status(error, api, page):
    assert (api_status(error), page_status(error)) == (api, page)


def test_a_subclass_takes_its_nearest_status():
    class StillInUse(ModelInUse):
        """A refinement some service may raise."""

    assert (api_status(StillInUse("x")), page_status(StillInUse("x"))) == (409, 409)


def test_the_json_body_names_code_message_and_fields(app):
    with app.test_request_context("/api/v1/models"):
        response = error_response(409, "Cannot delete it.", {"id": "used"}, headers={"X-A": "1"})
    assert response.status_code == 409 and response.headers["X-A"] == "1"
    assert response.get_json() == {"error": {"code": "conflict", "message": "Cannot delete it.",
                                             "fields": {"id": "used"}}}


def test_a_refusal_no_view_caught_is_a_page_with_its_status(app):
    with app.test_request_context("/admin/ai-models/"):
        page, status, _ = render_domain_error(ModelInUse("Cannot delete Mini: used by Acme."))
    assert status == 409 and "Cannot delete Mini: used by Acme." in page


def test_a_refusal_no_view_caught_under_api_is_json(app):
    with app.test_request_context("/api/v1/models/1"):
        response = render_domain_error(ValidationFailed("Bad.", {"notes": "too long"}))
    assert response.status_code == 422
    assert response.get_json()["error"] == {"code": "validation_failed", "message": "Bad.",
                                            "fields": {"notes": "too long"}}
