"""Deactivating, from the import preview, the unused models the file lacks: all or nothing, in
one audited transaction, admins only."""
import io
import json

import pytest
from flask import g

from igny8.errors import ModelInUse, ValidationFailed
from igny8.extensions import db as _db
from igny8.models import AIModelConfig
from igny8.services import exchange
from igny8.services.audit import Actor
from igny8.services.exchange_deactivation import deactivate_missing
from tests.helpers.pages import CATALOGUE_URL, text
from tests.helpers.rows import audit_rows

pytestmark = pytest.mark.catalogue("shipped")
COST_MAP = {"gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
                            "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07}}
ANN = Actor("user", None, "ann")


def items():
    """The rows of the small cost map (every other catalogue model is only in the catalogue)."""
    return exchange.parse(json.dumps(COST_MAP), "litellm")


def active(*model_ids) -> list[bool]:
    """Whether each model is active, as committed."""
    _db.session.expire_all()
    return [_db.session.get(AIModelConfig, model_id).is_active for model_id in model_ids]


def test_unused_models_the_file_lacks_are_deactivated_and_audited(db, catalogue):
    ids = [catalogue["gpt-3.5-turbo"], catalogue["gpt-4.1"]]
    done = deactivate_missing(items(), [str(i) for i in ids], ANN)
    assert [model.model_name for model in done] == ["gpt-3.5-turbo", "gpt-4.1"]
    assert active(*ids) == [False, False]
    entries = audit_rows(db, action="deactivate")
    assert {(e.object_id, e.actor_label) for e in entries} == {(str(i), "ann") for i in ids}
    assert all(e.changes == {"is_active": [True, False]} for e in entries)


def test_used_models_are_refused_by_name_and_nothing_is_written(db, catalogue):
    ids = [catalogue["gpt-3.5-turbo"], catalogue["claude-3-haiku-20240307"],
           catalogue["dall-e-3"]]
    with pytest.raises(ModelInUse) as refused:
        deactivate_missing(items(), ids, ANN)
    message = refused.value.message
    assert message.startswith("Cannot deactivate Claude 3 Haiku (claude-3-haiku-20240307) and")
    assert "claude-3-haiku-20240307) is used by account Northwind Media" in message
    assert "(dall-e-3) is used by global setting" in message
    assert "gpt-3.5-turbo" not in message
    assert active(*ids) == [True, True, True]
    assert audit_rows(db, action="deactivate") == []


@pytest.mark.parametrize("ticked, field_message", [
    ([], "none ticked"),
    (["x"], "not model ids"),
    ([999999], "not only in the catalogue: id 999999"),
    (["gpt-4o-mini"], "not only in the catalogue: GPT-4o Mini (gpt-4o-mini)"),
])
def test_ticks_that_are_not_models_only_in_the_catalogue_are_refused(db, catalogue, ticked,
                                                                     field_message):
    ticked = [catalogue.get(value, value) for value in ticked]
    spare = catalogue["gpt-3.5-turbo"]
    with pytest.raises(ValidationFailed) as refused:
        deactivate_missing(items(), [spare, *ticked] if ticked else [], ANN)
    assert refused.value.fields == {"deactivate": field_message}
    assert active(spare, catalogue["gpt-4o-mini"]) == [True, True]
    assert audit_rows(db, action="deactivate") == []


def test_models_already_inactive_are_left_as_they_are(db, catalogue):
    assert deactivate_missing(items(), [catalogue["runware-flux-1-schnell"]], ANN) == []
    assert audit_rows(db, action="deactivate") == []


@pytest.fixture
def preview_url(client, auth, app, tmp_path, monkeypatch):
    """An admin's uploaded cost map: its preview's address."""
    monkeypatch.setitem(app.config, "IGNY8_IMPORT_FOLDER", str(tmp_path / "imports"))
    auth.login("admin")
    response = client.post(f"{CATALOGUE_URL}/import", data={
        "format": "litellm", "file": (io.BytesIO(json.dumps(COST_MAP).encode()), "map.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_preview_offers_and_deactivates_unused_models(
        client, auth, catalogue, db, preview_url):
    page = client.get(f"{preview_url}?status=only_in_catalogue").get_data(as_text=True)
    assert 'aria-label="Deactivate openai/gpt-3.5-turbo"' in page
    assert 'aria-label="Deactivate anthropic/claude-3-haiku-20240307"' not in page
    assert "in use by 1" in page and "Deactivate ticked models" in page
    response = client.post(preview_url, data={
        "intent": "deactivate", "deactivate": [catalogue["gpt-3.5-turbo"], catalogue["gpt-4.1"]]})
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Deactivated GPT-3.5 Turbo (gpt-3.5-turbo) and GPT-4.1 (gpt-4.1)." in page
    assert active(catalogue["gpt-3.5-turbo"], catalogue["gpt-4.1"]) == [False, False]
    assert {e.actor_label for e in audit_rows(db, action="deactivate")} == {auth.user.email}


def test_a_used_model_posted_by_hand_is_refused_with_409(client, catalogue, db, preview_url):
    ids = [catalogue["gpt-3.5-turbo"], catalogue["claude-3-haiku-20240307"]]
    response = client.post(preview_url, data={"intent": "deactivate", "deactivate": ids})
    assert response.status_code == 409
    assert "Cannot deactivate Claude 3 Haiku (claude-3-haiku-20240307): Claude 3 Haiku" in text(
        response)
    assert active(*ids) == [True, True]
    response = client.post(preview_url, data={"intent": "deactivate"})
    assert response.status_code == 400 and "tick the models to deactivate first" in text(response)


def test_support_cannot_deactivate_from_a_preview(client, auth, catalogue, db, preview_url):
    auth.login("support")
    g.pop("_login_user", None)  # the tests' app context outlives requests: forget who signed in
    model_id = catalogue["gpt-3.5-turbo"]
    response = client.post(preview_url, data={"intent": "deactivate", "deactivate": [model_id]})
    assert response.status_code == 403
    assert active(model_id) == [True] and audit_rows(db, action="deactivate") == []
