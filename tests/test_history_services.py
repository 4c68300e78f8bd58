"""The audit service (snapshot, diff, record) and optimistic locking."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from igny8.errors import ConflictError
from igny8.models import AIModelConfig, AuditEntry
from igny8.services import audit
from igny8.services.locking import check_version
from igny8.services.unit_of_work import commit
from tests.factories import GlobalSettingsFactory, IntegrationSettingsFactory, TextModelFactory


def test_json_safe_values():
    assert audit.json_safe(Decimal("0.150000")) == "0.15"
    assert audit.json_safe(Decimal("2.5")) == "2.50"
    assert audit.json_safe(Decimal("0.000375")) == "0.000375"
    assert audit.json_safe(date(2026, 1, 31)) == "2026-01-31"
    assert audit.json_safe(datetime(2026, 1, 31, 8, tzinfo=timezone.utc)) == (
        "2026-01-31T08:00:00+00:00")
    assert audit.json_safe({"a": [Decimal("1"), None, True]}) == {"a": ["1.00", None, True]}


def test_snapshot_and_diff_report_only_changed_fields(db):
    model = TextModelFactory(model_name="gpt-x", input_price_per_1m=Decimal("0.15"))
    before = audit.snapshot(model, ["model_name", "input_price_per_1m", "is_active"])
    model.input_price_per_1m = Decimal("0.150000")  # same amount: no change
    model.is_active = False
    after = audit.snapshot(model, ["model_name", "input_price_per_1m", "is_active"])
    assert before == {"model_name": "gpt-x", "input_price_per_1m": "0.15", "is_active": True}
    assert audit.diff(before, after) == {"is_active": [True, False]}
    assert audit.diff({}, {"notes": "new"}) == {"notes": [None, "new"]}


def test_record_adds_without_committing(db):
    entry = audit.record("update", "ai_model", 7, "GPT", {"notes": ["", "x"]})
    assert entry in db.session.new and entry.actor_label == "system" and entry.actor_id is None
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_record_credits_the_actor_passed_never_the_request(app, db, auth, client):
    user = auth.login(role="admin")
    with app.test_request_context("/admin/"):
        from flask_login import login_user

        login_user(user)
        entry = audit.record("create", "ai_model", "1", "GPT", actor=audit.Actor.for_user(user))
        unnamed = audit.record("create", "ai_model", "2", "GPT")
    assert (entry.actor_id, entry.actor_label) == (user.id, user.email)
    assert (unnamed.actor_id, unnamed.actor_label) == (None, "system")
    labelled = audit.record("update", "api_key", "3", "ci", actor="api-key:ci")
    assert (labelled.actor_id, labelled.actor_label) == (None, "api-key:ci")
    as_user = audit.record("update", "api_key", "3", "ci", actor=user)
    assert (as_user.actor_id, as_user.actor_label) == (user.id, user.email)
    db.session.commit()
    assert db.session.get(AuditEntry, entry.id).actor.email == user.email


@pytest.mark.parametrize("factory", [TextModelFactory, GlobalSettingsFactory,
                                     IntegrationSettingsFactory])
def test_versions_start_at_one_and_grow_on_update(db, factory):
    row = factory()
    db.session.commit()
    assert row.version == 1
    row.updated_at = datetime.now(timezone.utc)
    db.session.commit()
    assert row.version == 2


def test_check_version_refuses_a_stale_form(db):
    model = TextModelFactory(display_name="GPT Test")
    db.session.commit()
    check_version(model, 1)
    check_version(model, "1")
    check_version(model, None)  # clients without a version rely on the flush-time check
    with pytest.raises(ConflictError) as caught:
        check_version(model, 0)
    assert caught.value.message == (
        "GPT Test was changed by someone else since you opened it; reload to see their changes")
    with pytest.raises(ConflictError):
        check_version(model, "abc")


def test_concurrent_write_becomes_a_conflict_and_is_rolled_back(db):
    model = TextModelFactory(notes="first")
    db.session.commit()
    model_id = model.id
    model.notes = "mine"
    with db.engine.begin() as other_worker:  # saves in between, on its own connection
        other_worker.execute(update(AIModelConfig).where(AIModelConfig.id == model_id)
                             .values(version=AIModelConfig.version + 1, notes="theirs"))
    with pytest.raises(ConflictError, match="Model X was changed by someone else"):
        commit(audit.SYSTEM, "Model X")
    assert db.session.scalar(select(AIModelConfig.notes)) == "theirs"
