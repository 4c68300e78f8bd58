"""Races against a global slot, fired through real concurrent HTTP requests on PostgreSQL.

Rule: every global slot points at an active model of its provider and type. Each round sends
two requests together; exactly one wins, the other gets a 4xx naming the conflict, never a 5xx,
and the database keeps the rule after every round.
"""
from __future__ import annotations

from igny8.models import SLOTS, AIModelConfig, GlobalIntegrationSettings
from tests.factories import GlobalSettingsFactory, TextModelFactory

ROUNDS = 20
GLOBAL_URL = "/api/v1/settings/global"


def global_violations(db) -> list[str]:
    """Every global slot that points at a missing, inactive or unfitting model."""
    db.session.expire_all()
    row = db.session.get(GlobalIntegrationSettings, 1)
    problems = []
    for slot in SLOTS.values():
        model_id = getattr(row, slot.column) if row is not None else None
        if model_id is not None:
            reason = slot.why_not(db.session.get(AIModelConfig, model_id))
            if reason:
                problems.append(f"{slot.label}: {reason}")
    return problems


def one_winner(answers, win: set[int], lose: set[int]) -> None:
    """No 5xx; exactly one request won; the other lost with one of the expected statuses."""
    statuses = [answer.status for answer in answers]
    assert all(status < 500 for status in statuses), [answer.text for answer in answers]
    winners = [status for status in statuses if status in win]
    assert len(winners) == 1, [answer.text for answer in answers]
    assert all(status in win | lose for status in statuses), [a.text for a in answers]


def start(store) -> None:
    """The OpenAI slot on a first model, as an admin would have left it."""
    GlobalSettingsFactory(openai_model=TextModelFactory())
    store.session.commit()


def candidate(store) -> int:
    """A fresh active OpenAI text model; its id."""
    model = TextModelFactory()
    store.session.commit()
    return model.id


def test_deactivation_racing_a_global_patch_never_leaves_the_slot_inactive(api, store, fire):
    start(store)
    for _ in range(ROUNDS):
        model_id = candidate(store)
        answers = fire(
            lambda: api.request("PATCH", f"/api/v1/models/{model_id}", {"is_active": False}),
            lambda: api.request("PATCH", GLOBAL_URL, {"openai_model": model_id}),
        )
        one_winner(answers, {200}, {409, 422})
        assert global_violations(store) == []


def test_provider_change_racing_a_global_patch_never_leaves_the_slot_on_another_provider(
        api, store, fire):
    start(store)
    for _ in range(ROUNDS):
        model_id = candidate(store)
        answers = fire(
            lambda: api.request("PATCH", f"/api/v1/models/{model_id}", {"provider": "anthropic"}),
            lambda: api.request("PATCH", GLOBAL_URL, {"openai_model": model_id}),
        )
        one_winner(answers, {200}, {409, 422})
        assert global_violations(store) == []


def test_delete_racing_a_global_patch_is_a_conflict_not_a_500(api, store, fire):
    start(store)
    for _ in range(ROUNDS):
        model_id = candidate(store)
        answers = fire(
            lambda: api.request("DELETE", f"/api/v1/models/{model_id}"),
            lambda: api.request("PATCH", GLOBAL_URL, {"openai_model": model_id}),
        )
        one_winner(answers, {200, 204}, {409, 422})
        deleted, patched = (answer.status < 300 for answer in answers)
        store.session.expire_all()
        assert (store.session.get(AIModelConfig, model_id) is None) == deleted
        row = store.session.get(GlobalIntegrationSettings, 1)
        assert (row.openai_model_id == model_id) == patched
        assert global_violations(store) == []
