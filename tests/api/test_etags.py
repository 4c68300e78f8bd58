"""ETag on single resources (the version), If-Match as the expected version (409 when stale)."""
import pytest

from tests.helpers.api import error_of
from tests.helpers.rows import commit
from tests.factories import AccountFactory, TextModelFactory


@pytest.fixture
def model(db):
    """One stored text model at version 1."""
    row = TextModelFactory(model_name="gpt-etag", display_name="GPT ETag")
    commit()
    return row


def test_a_model_carries_its_version_as_etag(api, model):
    response = api.get(f"/api/v1/models/{model.id}")
    assert response.headers["ETag"] == '"1"' and response.get_json()["version"] == 1


def test_if_match_with_the_current_etag_saves_and_returns_the_new_one(api, model):
    response = api.patch(f"/api/v1/models/{model.id}", {"notes": "checked"},
                         headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"' and response.get_json()["notes"] == "checked"


@pytest.mark.parametrize("sent", ['"7"', '"0"', '"2"'])
def test_a_stale_if_match_is_a_409_naming_it_and_nothing_changes(api, db, model, sent):
    response = api.patch(f"/api/v1/models/{model.id}", {"notes": "lost"},
                         headers={"If-Match": sent})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert error["fields"] == {"If-Match": 'stale; the current ETag is "1"'}
    assert response.headers["ETag"] == '"1"'
    after = api.get(f"/api/v1/models/{model.id}").get_json()
    assert after["notes"] != "lost" and after["version"] == 1


@pytest.mark.parametrize("header", ["If-Match", "If-None-Match"])
@pytest.mark.parametrize("sent", ["", "garbage", '"1x"', '"1", "2"', 'W"1"'])
def test_a_malformed_etag_header_is_a_400_naming_it(api, db, model, header, sent):
    method = "PATCH" if header == "If-Match" else "GET"
    response = api.request(method, f"/api/v1/models/{model.id}",
                           {"notes": "lost"} if method == "PATCH" else None,
                           headers={header: sent})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {header}
    assert api.get(f"/api/v1/models/{model.id}").get_json()["version"] == 1


def test_if_match_takes_the_bare_version_too(api, model):
    response = api.patch(f"/api/v1/models/{model.id}", {"notes": "x"}, headers={"If-Match": "1"})
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    stale = api.patch(f"/api/v1/models/{model.id}", {"notes": "y"}, headers={"If-Match": "1"})
    assert stale.status_code == 409


def test_if_match_star_means_any_version(api, model):
    response = api.patch(f"/api/v1/models/{model.id}", {"notes": "x"}, headers={"If-Match": "*"})
    assert response.status_code == 200


def test_a_stale_if_match_on_delete_keeps_the_model(api, model):
    api.patch(f"/api/v1/models/{model.id}", {"notes": "v2"})
    response = api.delete(f"/api/v1/models/{model.id}", headers={"If-Match": '"1"'})
    assert response.status_code == 409
    assert api.get(f"/api/v1/models/{model.id}").status_code == 200
    assert api.delete(f"/api/v1/models/{model.id}",
                      headers={"If-Match": '"2"'}).status_code == 204


def test_if_none_match_with_the_current_etag_is_a_304(api, model):
    response = api.get(f"/api/v1/models/{model.id}", headers={"If-None-Match": '"1"'})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == '"1"'
    api.patch(f"/api/v1/models/{model.id}", {"notes": "changed"})
    response = api.get(f"/api/v1/models/{model.id}", headers={"If-None-Match": '"1"'})
    assert response.status_code == 200 and response.get_json()["notes"] == "changed"


def test_the_global_settings_etag_follows_their_version(api, model):
    first = api.get("/api/v1/settings/global")
    assert first.headers["ETag"] == f'"{first.get_json()["version"]}"'
    stale = first.headers["ETag"]
    saved = api.patch("/api/v1/settings/global", {"text_model": model.id},
                      headers={"If-Match": stale})
    assert saved.status_code == 200 and saved.headers["ETag"] != stale
    refused = api.patch("/api/v1/settings/global", {"text_model": None},
                        headers={"If-Match": stale})
    assert refused.status_code == 409
    assert api.get("/api/v1/settings/global").get_json()["text_model"] == model.id


def test_account_settings_etag_and_a_stale_if_match(api, db, model):
    account = AccountFactory()
    commit()
    url = f"/api/v1/accounts/{account.id}/integration-settings"
    assert api.get(url).headers["ETag"] == '"0"'
    saved = api.patch(url, {"text_model": model.id}, headers={"If-Match": '"0"'})
    assert saved.status_code == 200 and saved.headers["ETag"] == '"1"'
    refused = api.patch(url, {"text_model": None}, headers={"If-Match": '"0"'})
    assert refused.status_code == 409
    assert api.get(url).get_json()["overrides"]["text_model"] == model.id


def test_a_stale_body_version_still_answers_409(api, model):
    api.patch(f"/api/v1/models/{model.id}", {"notes": "v2"})
    response = api.patch(f"/api/v1/models/{model.id}", {"notes": "v3", "version": 1})
    assert response.status_code == 409
