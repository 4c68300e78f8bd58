"""The admin screens race too: support's confirmed deactivation against an admin saving the
global form; a bulk override confirmation posted twice at once.

Signed-in sessions over real HTTP on PostgreSQL; the same rule as the API races (a global slot
points at an active model), the same outcome: one winner, the other refused, never a 5xx.
"""
from __future__ import annotations

from sqlalchemy import func, select

from igny8.models import AIModelConfig, AuditEntry, GlobalIntegrationSettings
from tests.factories import AccountFactory, GlobalSettingsFactory, TextModelFactory

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


def test_a_double_clicked_bulk_confirm_changes_once_and_says_so(store, admin_client, fire):
    first, second = admin_client("admin"), admin_client("admin")
    accounts = AccountFactory.create_batch(2)
    store.session.commit()
    account_ids = [str(account.id) for account in accounts]
    for done in range(1, ROUNDS // 2 + 1):
        model = TextModelFactory()
        store.session.commit()
        form = [*(("account_ids", value) for value in account_ids),  # the field repeated
                ("action", f"text_model:{model.id}"), ("confirmed", "yes")]

        def confirm(client, form=form):
            return client.request("POST", "/admin/settings/accounts/bulk", form=form)
        answers = fire(lambda: confirm(first), lambda: confirm(second))
        assert [answer.status for answer in answers] == [302, 302], [a.text for a in answers]
        flashes = " ".join(client.request("GET", "/admin/settings/accounts").text
                           for client in (first, second))
        assert flashes.count("for 2 of 2 selected accounts.") == 1, flashes
        assert flashes.count("for the 2 selected accounts: nothing changed.") == 1, flashes
        entries = store.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.object_type == "account_settings"))
        assert entries == 2 * done  # each account's change recorded once
