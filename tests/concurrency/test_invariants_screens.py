"""The admin screens race too: support's confirmed deactivation against an admin saving the
global form.

Signed-in sessions over real HTTP on PostgreSQL; the same rule as the API races (a global slot
points at an active model), the same outcome: one winner, the other refused, never a 5xx.
"""
from __future__ import annotations

from igny8.models import AIModelConfig, GlobalIntegrationSettings
from tests.factories import GlobalSettingsFactory, TextModelFactory

ROUNDS = 20


def test_toggle_button_racing_the_global_form_never_leaves_the_slot_inactive(
        store, admin_client, fire):
    admin, support = admin_client("admin"), admin_client("support")
    GlobalSettingsFactory(openai_model=TextModelFactory())
    store.session.commit()
    for _ in range(ROUNDS):
        model = TextModelFactory()
        store.session.commit()
        model_id = model.id
        toggled, saved = fire(
            lambda: support.request("POST", "/admin/ai-models/bulk", form={
                "action": "deactivate", "ids": str(model_id), "confirm": "yes"}),
            lambda: admin.request("POST", "/admin/settings/global",
                                  form={"openai_model": str(model_id)}),
        )
        statuses = [toggled.status, saved.status]
        assert all(status < 500 for status in statuses), [toggled.text, saved.text]
        assert statuses.count(302) == 1, statuses
        assert toggled.status in (302, 409) and saved.status in (302, 400, 409), statuses
        store.session.expire_all()
        row = store.session.get(GlobalIntegrationSettings, 1)
        slot_model = store.session.get(AIModelConfig, row.openai_model_id)
        assert slot_model.is_active
        assert (row.openai_model_id == model_id) == (saved.status == 302)
