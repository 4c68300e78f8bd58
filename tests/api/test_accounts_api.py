"""/api/v1/accounts: create, list (search, archived filter, pages), read, rename, archive."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from igny8.models import Account
from tests.factories import AccountFactory
from tests.helpers.api import error_of
from tests.helpers.rows import account_history, stored_accounts


def test_create_answers_201_with_the_account_and_its_etag(api, db):
    response = api.post("/api/v1/accounts", {"name": "  Acme\u3000Publishing "})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["name"], body["archived"], body["archived_at"], body["version"]) == (
        "Acme Publishing", False, None, 1)
    assert response.headers["ETag"] == '"1"'
    assert stored_accounts(db) == [("Acme Publishing", False)]
    assert account_history(db) == [("create", "api-key:integration")]


@pytest.mark.parametrize("body, field", [
    ({}, "name"), ({"name": ""}, "name"), ({"name": "\u200b "}, "name"), ({"name": 5}, "name"),
    ({"name": "x" * 201}, "name"), ({"name": "Acme", "extra": 1}, "extra"),
])
def test_bad_input_is_refused_with_422_naming_the_field_and_nothing_written(api, db, body, field):
    response = api.post("/api/v1/accounts", body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert stored_accounts(db) == [] and account_history(db) == []


def test_a_name_taken_in_another_case_is_409_naming_the_holder(api, db):
    first = api.post("/api/v1/accounts", {"name": "Acme"}).get_json()
    response = api.post("/api/v1/accounts", {"name": "ＡＣＭＥ"})
    assert response.status_code == 409
    holder = f"account #{first['id']}, 'Acme'"
    assert error_of(response)["fields"] == {"name": f"already used ({holder})"}
    assert stored_accounts(db) == [("Acme", False)]


def test_writes_need_the_write_scope(read_api, db):
    account = AccountFactory(name="Acme")
    db.session.commit()
    assert read_api.post("/api/v1/accounts", {"name": "New"}).status_code == 403
    assert read_api.patch(f"/api/v1/accounts/{account.id}", {"archived": True}).status_code == 403
    assert read_api.get(f"/api/v1/accounts/{account.id}").get_json()["name"] == "Acme"
    assert stored_accounts(db) == [("Acme", False)]


def test_the_list_searches_filters_archived_and_pages(api, db):
    for name in ("Blue Fern", "Acme", "Copper Lane", "Acme Media"):
        api.post("/api/v1/accounts", {"name": name})
    copper = db.session.scalar(select(Account).where(Account.name == "Copper Lane"))
    api.patch(f"/api/v1/accounts/{copper.id}", {"archived": True})

    def names(query: str) -> list[str]:
        response = api.get(f"/api/v1/accounts{query}")
        assert response.status_code == 200
        return [item["name"] for item in response.get_json()["items"]]

    assert names("") == ["Acme", "Acme Media", "Blue Fern"]
    assert names("?archived=archived") == ["Copper Lane"]
    assert names("?archived=all&q=e") == ["Acme", "Acme Media", "Blue Fern", "Copper Lane"]
    assert names("?q=acme") == ["Acme", "Acme Media"]
    assert names(f"?archived=all&q=%23{copper.id}") == ["Copper Lane"]
    page = api.get("/api/v1/accounts?per_page=2&page=2").get_json()
    assert ([i["name"] for i in page["items"]], page["total"], page["pages"]) == (
        ["Blue Fern"], 3, 2)
    bad = api.get("/api/v1/accounts?archived=maybe")
    assert bad.status_code == 422 and "archived" in error_of(bad)["fields"]


def test_the_search_ignores_accents_and_case_as_the_accounts_page_does(api, client, auth, db):
    for name in ("Société Générale", "Acme", "Crème Brûlée 5"):
        api.post("/api/v1/accounts", {"name": name})
    twelve = AccountFactory(id=12, name="Twelve Media")
    db.session.commit()

    def names(text: str) -> list[str]:
        response = api.get(f"/api/v1/accounts?{urlencode({'q': text})}")
        assert response.status_code == 200
        return [item["name"] for item in response.get_json()["items"]]

    assert names("Societe") == ["Société Générale"]
    assert names("SOCIÉTÉ gen") == ["Société Générale"]
    assert names("creme brulee") == ["Crème Brûlée 5"]
    assert names("#12") == names("12") == ["Twelve Media"]
    assert names("%") == [] and names("Générale Société") == []
    auth.login()
    page = client.get("/admin/settings/accounts?q=Societe").get_data(as_text=True)
    assert "Société Générale" in page and "Acme" not in page and twelve.name not in page


def test_patch_renames_archives_and_unarchives_with_versions(api, db):
    account_id = api.post("/api/v1/accounts", {"name": "Acme"}).get_json()["id"]
    url = f"/api/v1/accounts/{account_id}"
    renamed = api.patch(url, {"name": "Acme Media", "version": 1})
    assert renamed.status_code == 200 and renamed.headers["ETag"] == '"2"'
    stale = api.patch(url, {"archived": True}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and "If-Match" in error_of(stale)["fields"]
    stale_body = api.patch(url, {"archived": True, "version": 1})
    assert stale_body.status_code == 409 and error_of(stale_body)["fields"] == {"version": "stale"}
    archived = api.patch(url, {"archived": True}, headers={"If-Match": '"2"'}).get_json()
    assert archived["archived"] is True and archived["archived_at"]
    assert api.get(url).get_json()["archived"] is True  # still readable
    assert api.patch(url, {"archived": False}).get_json()["archived"] is False
    assert stored_accounts(db) == [("Acme Media", False)]
    assert [action for action, _ in account_history(db)] == [
        "create", "update", "archive", "unarchive"]


@pytest.mark.parametrize("body, field", [
    ({"archived": "yes"}, "archived"), ({"archived": 1}, "archived"), ({"name": " "}, "name"),
    ({"version": "1"}, "version"),
])
def test_patch_refuses_bad_input_and_writes_nothing(api, db, body, field):
    account = AccountFactory(name="Acme")
    db.session.commit()
    response = api.patch(f"/api/v1/accounts/{account.id}", body)
    assert response.status_code == 422 and field in error_of(response)["fields"]
    assert stored_accounts(db) == [("Acme", False)] and account_history(db) == []


def test_unknown_accounts_are_404(api, db):
    assert api.get("/api/v1/accounts/999").status_code == 404
    response = api.patch("/api/v1/accounts/999", {"archived": True})
    assert response.status_code == 404
    assert error_of(response)["message"] == "There is no account with id 999."


def test_a_rename_onto_a_taken_name_is_409_and_keeps_the_old_name(api, db):
    api.post("/api/v1/accounts", {"name": "Acme"})
    other = api.post("/api/v1/accounts", {"name": "Blue Fern"}).get_json()
    response = api.patch(f"/api/v1/accounts/{other['id']}", {"name": "acme", "archived": True})
    assert response.status_code == 409 and "name" in error_of(response)["fields"]
    assert stored_accounts(db) == [("Acme", False), ("Blue Fern", False)]
