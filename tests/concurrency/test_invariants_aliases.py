"""Twelve creates sharing one alias, fired together through real HTTP requests on PostgreSQL.

Rule: within a provider, a model name or alias names one model only (a model's name may not
be another model's alias either). One create wins; the others are refused, never a 5xx.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from igny8.models import AIModelConfig

ROUNDS = 20
CREATES = 12


def name_violations(db) -> list[str]:
    """Names or aliases that identify more than one model of the same provider."""
    db.session.expire_all()
    seen = Counter()
    for provider, name, aliases in db.session.execute(
            select(AIModelConfig.provider, AIModelConfig.model_name, AIModelConfig.aliases)):
        seen.update((provider, alias) for alias in {name, *(aliases or [])})
    return [f"{provider}/{name} x{count}" for (provider, name), count in seen.items() if count > 1]


def create(api, name: str, aliases: list[str]):
    """POST one inactive OpenAI text model."""
    body = {"provider": "openai", "model_type": "text", "model_name": name,
            "display_name": name.title(), "aliases": aliases}
    return api.request("POST", "/api/v1/models", body)


def test_parallel_creates_sharing_an_alias_store_it_once(api, store, fire):
    for number in range(ROUNDS):
        shared = f"shared-{number}"
        # One request takes the shared name as its model name, the others as an alias.
        calls = [lambda: create(api, shared, [])] + [
            lambda i=i: create(api, f"race-{number}-{i}", [shared]) for i in range(CREATES - 1)]
        answers = fire(*calls)
        statuses = [answer.status for answer in answers]
        assert all(status < 500 for status in statuses), [a.text for a in answers]
        assert statuses.count(201) == 1, statuses
        assert set(statuses) <= {201, 409, 422}, statuses
        losers = [answer for answer in answers if answer.status != 201]
        assert all(shared in answer.body["error"]["message"] for answer in losers)
        assert name_violations(store) == []
