"""An import's apply racing an API create of the same name, fired together over real HTTP on
PostgreSQL: the apply locks the catalogue's names and models before it classifies and writes, so
a name or alias never ends up naming two models, and neither side gets a 5xx."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections import Counter

from sqlalchemy import select

from igny8.models import AIModelConfig

ROUNDS = 20


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect comes back as an HTTPError carrying its Location, never followed."""

    def redirect_request(self, *args, **kwargs):
        """Never follow."""
        return None


def name_violations(db) -> list[str]:
    """Names or aliases that identify more than one model of the same provider."""
    db.session.expire_all()
    seen = Counter()
    for provider, name, aliases in db.session.execute(
            select(AIModelConfig.provider, AIModelConfig.model_name, AIModelConfig.aliases)):
        seen.update((provider, alias) for alias in {name, *(aliases or [])})
    return [f"{provider}/{name} x{count}" for (provider, name), count in seen.items() if count > 1]


def upload(client, cost_map: dict) -> str:
    """Post a LiteLLM cost map to the import form as multipart; the preview's path."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\nlitellm\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"map.json\"\r\nContent-Type: application/json\r\n\r\n"
            f"{json.dumps(cost_map)}\r\n--{boundary}--\r\n").encode()
    request = urllib.request.Request(
        client.base_url + "/admin/ai-models/import", body, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(client.cookies),
                                         KeepRedirects)
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 302, error.read()
        return error.headers["Location"].replace(client.base_url, "")
    raise AssertionError("the upload did not redirect to its preview")


def test_an_import_racing_an_api_create_of_the_same_name(api, admin_client, store, fire):
    admin = admin_client("admin")
    for number in range(ROUNDS):
        name = f"imported-{number}"
        preview = upload(admin, {name: {"litellm_provider": "openai", "mode": "chat",
                                        "input_cost_per_token": 1e-06,
                                        "output_cost_per_token": 2e-06}})
        body = {"provider": "openai", "model_type": "text", "model_name": f"api-{number}",
                "display_name": f"Api {number}", "aliases": [name]}
        applied, created = fire(
            lambda: admin.request("POST", preview, form={"intent": "apply"}),
            lambda: api.request("POST", "/api/v1/models", body))
        assert applied.status == 302 and created.status in (201, 409, 422), (
            applied.text, created.text)
        assert name_violations(store) == []
        store.session.expire_all()
        names = set(store.session.scalars(select(AIModelConfig.model_name)))
        # One of the two holds the name: the import's new model or the API model's alias.
        assert (name in names) != (created.status == 201), (names, created.text)
