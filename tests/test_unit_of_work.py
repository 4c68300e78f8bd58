"""The one commit path: history entries after the flush, conflicts, constraint errors, rollback."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from igny8.errors import ConflictError, ModelInUse
from igny8.models import AIModelConfig, AuditEntry
from igny8.services import audit
from igny8.services.unit_of_work import Entry, commit, refuse, unit_of_work
from tests.factories import TextModelFactory

ADA = audit.Actor("user", None, "ada@igny8.test")


def _entries(db) -> list[tuple[str, str, str]]:
    """(action, object_id, actor_label) of every stored history entry."""
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(row.action, row.object_id, row.actor_label) for row in rows]


def test_entries_are_built_after_the_flush_and_credited_to_the_actor(db):
    model = TextModelFactory.build(model_name="uow-new")
    db.session.add(model)
    commit(ADA, "This model", lambda: [Entry("create", "ai_model", model.id, model.label,
                                             {"model_name": [None, "uow-new"]})])
    assert model.id is not None
    assert _entries(db) == [("create", str(model.id), "ada@igny8.test")]


def test_entries_without_changes_record_nothing(db):
    model = TextModelFactory()
    commit(ADA, "This model", [Entry("update", "ai_model", model.id, model.label, {})])
    assert _entries(db) == []


def test_a_constraint_violation_becomes_the_named_error_and_writes_nothing(db):
    taken = TextModelFactory(model_name="uow-taken")
    db.session.commit()
    db.session.add(TextModelFactory.build(model_name="uow-taken", provider=taken.provider))
    refused = ModelInUse("That name is taken.")
    with pytest.raises(ModelInUse, match="That name is taken."):
        commit(ADA, "This model", [Entry("create", "ai_model", 0, "x", {"a": [None, 1]})],
               on_integrity=refused)
    names = db.session.scalars(select(AIModelConfig.model_name)).all()
    assert names == ["uow-taken"] and _entries(db) == []


def test_a_constraint_violation_is_a_conflict_by_default(db):
    taken = TextModelFactory(model_name="uow-dup")
    db.session.commit()
    db.session.add(TextModelFactory.build(model_name="uow-dup", provider=taken.provider))
    with pytest.raises(ConflictError) as caught:
        commit(ADA, "The new model")
    assert caught.value.message == (
        "The new model could not be saved: a change saved at the same time conflicts with it;"
        " reload and try again")


def test_a_failure_inside_the_unit_rolls_everything_back(db):
    model = TextModelFactory(notes="before")
    db.session.commit()
    with pytest.raises(RuntimeError):
        with unit_of_work(ADA, "This model") as work:
            model.notes = "after"
            work.record([Entry("update", "ai_model", model.id, model.label,
                               {"notes": ["before", "after"]})])
            raise RuntimeError("boom")
    assert db.session.scalar(select(AIModelConfig.notes)) == "before"
    assert _entries(db) == []


def test_refuse_undoes_the_session_changes_and_raises(db):
    model = TextModelFactory(notes="kept")
    db.session.commit()
    model.notes = "dropped"
    with pytest.raises(ModelInUse, match="no"):
        refuse(ModelInUse("no"))
    assert db.session.scalar(select(AIModelConfig.notes)) == "kept"
