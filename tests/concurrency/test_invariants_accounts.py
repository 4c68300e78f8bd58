"""Races on account overrides, fired through real concurrent HTTP requests on PostgreSQL.

Rules: an override points at an existing model that fits its slot; an account has one settings
row, and concurrent first writes all land in it (or lose with a 409), never a 500.
"""
from __future__ import annotations

from sqlalchemy import func, select

from igny8.models import SLOTS, AIModelConfig, IntegrationSettings
from igny8.services.resolution import is_model_id
from tests.factories import AccountFactory, ImageModelFactory, TextModelFactory

ROUNDS = 20


def settings_url(account_id: int) -> str:
    """The API address of an account's integration settings."""
    return f"/api/v1/accounts/{account_id}/integration-settings"


def override_violations(db) -> list[str]:
    """Every stored override that names a missing model or one that does not fit its slot."""
    db.session.expire_all()
    problems = []
    for settings in db.session.scalars(select(IntegrationSettings)):
        for slot in SLOTS.values():
            raw = (settings.config or {}).get(slot.config_key)
            if raw is None:
                continue
            model = db.session.get(AIModelConfig, raw) if is_model_id(raw) else None
            if model is None or not slot.accepts(model):
                problems.append(f"account {settings.account_id} {slot.name}: {raw!r}")
    return problems


def test_delete_racing_an_override_never_leaves_it_pointing_at_nothing(api, store, fire):
    account = AccountFactory()
    store.session.commit()
    account_id = account.id
    for _ in range(ROUNDS):
        model = TextModelFactory()
        store.session.commit()
        model_id = model.id
        deleted, overridden = fire(
            lambda: api.request("DELETE", f"/api/v1/models/{model_id}"),
            lambda: api.request("PATCH", settings_url(account_id), {"openai_model": model_id}),
        )
        statuses = [deleted.status, overridden.status]
        assert all(status < 500 for status in statuses), [deleted.text, overridden.text]
        assert (deleted.status == 204) != (overridden.status == 200), statuses
        assert {deleted.status, overridden.status} <= {204, 200, 409, 422}, statuses
        assert override_violations(store) == []


def test_concurrent_first_writes_of_an_account_make_one_row_and_no_500(api, store, fire):
    models = {"openai_model": TextModelFactory(), "text_model": TextModelFactory(),
              "dalle_model": ImageModelFactory(), "runware_model": ImageModelFactory(
                  provider="runware")}
    store.session.commit()
    ids = {name: model.id for name, model in models.items()}
    for _ in range(ROUNDS):
        account = AccountFactory()
        store.session.commit()
        url = settings_url(account.id)
        calls = [lambda name=name: api.request("PATCH", url, {name: ids[name]}) for name in ids]
        answers = fire(*calls, *calls)  # two writers per slot, eight in all
        statuses = [answer.status for answer in answers]
        assert all(status in (200, 409) for status in statuses), [a.text for a in answers]
        store.session.expire_all()
        rows = store.session.scalar(select(func.count()).select_from(IntegrationSettings)
                                    .where(IntegrationSettings.account_id == account.id))
        assert rows == 1
        config = store.session.scalars(select(IntegrationSettings.config).where(
            IntegrationSettings.account_id == account.id)).one()
        written = {name for name, answer in zip([*ids, *ids], answers) if answer.status == 200}
        assert config == {SLOTS[name].config_key: ids[name] for name in written}
    assert override_violations(store) == []
