"""Twelve creates of one model name in different cases and spacing, fired together on PostgreSQL.

Rule: a provider's model names are unique ignoring case and surrounding space. One create
wins; the others get 409 naming the name, never a 5xx; the table never holds two models whose
names differ only in case or space. Run with the name lock and with the unique index alone.
"""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from igny8.models import AIModelConfig
from igny8.models.catalogue import model_name_key
from igny8.services import locking

ROUNDS = 20
CREATES = 12


def spellings(base: str) -> list[str]:
    """`CREATES` spellings of one model name: cases and surrounding space."""
    forms = [base, base.upper(), base.lower(), f"  {base} ", base.swapcase(), f"{base}\t"]
    return [forms[i % len(forms)] for i in range(CREATES)]


def clashes(db) -> list[str]:
    """(provider, key) pairs held by more than one model, the key computed anew from the names."""
    db.session.expire_all()
    rows = db.session.execute(select(AIModelConfig.provider, AIModelConfig.model_name))
    keys = Counter((provider, model_name_key(name)) for provider, name in rows)
    return [f"{provider}/{key}" for (provider, key), count in keys.items() if count > 1]


def create(api, number: int, index: int, name: str):
    """POST one inactive OpenAI text model (display names differ, so only the name clashes)."""
    body = {"provider": "openai", "model_type": "text", "model_name": name,
            "display_name": f"Race {number}.{index}"}
    return api.request("POST", "/api/v1/models", body)


@pytest.mark.parametrize("name_lock", ["locked", "index alone"])
def test_parallel_creates_of_one_name_in_many_cases_store_it_once(api, store, fire, monkeypatch,
                                                                  name_lock):
    if name_lock == "index alone":
        monkeypatch.setattr(locking, "lock_catalogue_names", lambda: None)
    for number in range(ROUNDS):
        base = f"Race-Model-{number}"
        answers = fire(*[lambda i=i, n=n: create(api, number, i, n)
                         for i, n in enumerate(spellings(base))])
        statuses = [answer.status for answer in answers]
        assert all(status < 500 for status in statuses), [a.text for a in answers]
        assert statuses.count(201) == 1 and set(statuses) == {201, 409}, statuses
        for loser in (a for a in answers if a.status == 409):
            assert model_name_key(base) in loser.body["error"]["message"].casefold()
            assert "model_name" in loser.body["error"]["fields"]
        assert clashes(store) == []
