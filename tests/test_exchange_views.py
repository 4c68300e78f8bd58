"""The exchange doors: export from the list page and the API, the import upload and preview."""
import io
import json
import re
import time

import pytest
from flask import g
from sqlalchemy import select

from igny8.models import AuditEntry
from igny8.services import exchange_uploads
from igny8.services.catalogue import find_by_name
from tests.helpers.app import AuthActions
from tests.helpers.pages import CATALOGUE_URL, text
from tests.helpers.rows import model_count

pytestmark = pytest.mark.catalogue("shipped")
SAMPLE = {"gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
                          "input_cost_per_token": 2e-07, "output_cost_per_token": 6e-07},
          **{f"acme-{n}": {"litellm_provider": "openai", "mode": "chat",
                           "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}
             for n in range(60)}}


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path, monkeypatch):
    """Uploads go to a folder of the test's own."""
    monkeypatch.setitem(app.config, "IGNY8_IMPORT_FOLDER", str(tmp_path / "imports"))
    return tmp_path / "imports"


def upload(client, sample=SAMPLE, fmt="litellm", name="map.json"):
    """Post a file to the import form."""
    body = sample if isinstance(sample, bytes) else json.dumps(sample).encode()
    return client.post(f"{CATALOGUE_URL}/import", data={
        "format": fmt, "file": (io.BytesIO(body), name)}, content_type="multipart/form-data")


def test_the_list_export_honours_filters_and_search(client, auth, catalogue):
    auth.login("support")
    response = client.get(f"{CATALOGUE_URL}/export?format=csv&type=image")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("id,provider,model_type,model_name")
    assert {line.split(",")[2] for line in lines[1:]} == {"image"}
    found = client.get(f"{CATALOGUE_URL}/export?format=json&q=3 haiku").get_json()
    assert [m["model_name"] for m in found["models"]] == ["claude-3-haiku-20240307"]
    assert client.get(f"{CATALOGUE_URL}/export?format=xml").status_code == 400
    page = text(client.get(f"{CATALOGUE_URL}/?type=image"))
    assert "/admin/ai-models/export?format=csv&type=image" in page


@pytest.mark.parametrize("fmt, mimetype", [("json", "application/json"), ("csv", "text/csv"),
                                           ("litellm", "application/json")])
def test_the_api_export_needs_only_read_scope(app, client, catalogue, fmt, mimetype):
    from igny8.services import api_keys
    from tests.helpers.api import ApiClient
    _, raw = api_keys.create_key("reporting", "read", actor="cli")
    api = ApiClient(app, client, raw)
    response = api.get(f"/api/v1/models/export?format={fmt}&provider=anthropic")
    assert response.status_code == 200 and response.mimetype == mimetype
    body = response.get_data(as_text=True)
    assert "claude-3-haiku-20240307" in body and "gpt-4o-mini" not in body
    if fmt == "litellm":
        assert json.loads(body)["claude-3-haiku-20240307"]["litellm_provider"] == "anthropic"
    assert api.get("/api/v1/models/export?format=xml").status_code == 422
    assert api.get("/api/v1/models/export", key=None).status_code == 401


def test_support_cannot_import(client, auth, catalogue):
    auth.login("support")
    assert client.get(f"{CATALOGUE_URL}/import").status_code == 403
    assert upload(client).status_code == 403


def test_upload_preview_tick_apply(client, auth, catalogue, db, app):
    auth.login("admin")
    response = upload(client)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = text(client.get(preview_url))
    assert "New 60" in page and "Changed 1" in page and "Only in the catalogue" in page
    assert "Page 1 of 2" in page and page.count('class="import-row"') == 50
    assert "input_price_per_1m: 0.15 → 0.20" in page
    assert "61 rows ticked to apply" in page
    new_page = text(client.get(f"{preview_url}?status=new&page=2"))
    assert "Page 2 of 2 (60 rows)" in new_page and new_page.count('class="import-row"') == 10
    # Untick every new row of page 2 and apply: the other 50 new rows and the change apply.
    shown = re.findall(r'name="shown" value="([^"]+)"', new_page)
    before = model_count(db)
    response = client.post(preview_url, data={"shown": shown, "intent": "apply"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/history/")
    assert model_count(db) == before + 50
    assert find_by_name("openai", shown[0]) is None
    imports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
    assert len(imports) == 51 and {e.actor_label for e in imports} == {auth.user.email}
    assert client.get(preview_url).status_code == 404  # applied: the upload is gone


def test_a_bad_file_is_refused_on_the_upload_form(client, auth, catalogue, db):
    auth.login("admin")
    response = upload(client, b"{oops", fmt="json")
    assert response.status_code == 400
    assert "file: The file is not JSON" in text(response)
    response = upload(client, b"a,b\n1,2\n", fmt="csv", name="x.csv")
    assert "The CSV header is wrong: unknown columns: a, b" in text(response)


def test_an_upload_is_bound_to_its_user_and_expires(client, auth, catalogue, app,
                                                    import_folder):
    auth.login("admin")
    preview_url = upload(client).headers["Location"]
    other = app.test_client()
    AuthActions(other).login("admin")  # another admin, in another browser
    g.pop("_login_user", None)  # the tests' app context outlives requests: forget who signed in
    assert other.get(preview_url).status_code == 404
    g.pop("_login_user", None)
    assert client.get(preview_url).status_code == 200
    folder = import_folder
    token = preview_url.rsplit("/", 1)[1]
    assert (folder / f"{token}.data").exists()
    assert exchange_uploads.remove_expired(folder, now=time.time() + 3601) >= 1
    assert not (folder / f"{token}.data").exists()


def test_cancel_discards_the_upload(client, auth, catalogue, db):
    auth.login("admin")
    preview_url = upload(client).headers["Location"]
    before = model_count(db)
    response = client.post(preview_url, data={"intent": "cancel"})
    assert response.status_code == 302 and model_count(db) == before
    assert client.get(preview_url).status_code == 404


def test_the_upload_accepts_a_cost_map_larger_than_the_body_limit(client, auth, catalogue, app):
    auth.login("admin")
    big = {f"embed-{n}": {"litellm_provider": "openai", "mode": "embedding",
                          "input_cost_per_token": 1e-08} for n in range(30000)}
    body = json.dumps(big).encode()
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(client, body)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Skipped 30000" in page and "Page 1 of" in page
