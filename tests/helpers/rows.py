"""Rows as the database has them: catalogue counts, history entries, usage records and rollups."""
from __future__ import annotations

from sqlalchemy import func, select

from igny8.extensions import db
from igny8.models import Account, AIModelConfig, AuditEntry, UsageDaily, UsageRecord


def commit() -> None:
    """Commit what factories flushed, so the API sees it."""
    db.session.commit()


def model_count(db) -> int:
    """How many catalogue rows exist."""
    return db.session.scalar(select(func.count()).select_from(AIModelConfig))


def audit_rows(db, object_type="ai_model", action: str | None = None):
    """Audit entries of one object type (and action, when given), oldest first."""
    query = select(AuditEntry).where(AuditEntry.object_type == object_type)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query.order_by(AuditEntry.id)).all()


def stored_accounts(db) -> list[tuple[str, bool]]:
    """(name, archived) of every account, by id."""
    db.session.expire_all()
    rows = db.session.scalars(select(Account).order_by(Account.id))
    return [(account.name, account.is_archived) for account in rows]


def account_history(db) -> list[tuple[str, str]]:
    """(action, actor) of every history entry about an account, oldest first."""
    return [(entry.action, entry.actor_label) for entry in audit_rows(db, "account")]


def stored_records() -> list[UsageRecord]:
    """Every stored record, by id."""
    db.session.expire_all()
    return list(db.session.scalars(select(UsageRecord).order_by(UsageRecord.id)))


def rollup_rows() -> list[tuple]:
    """Every rollup row as (account, model, day, records, in, cached, out, images, cost)."""
    db.session.expire_all()
    return [(r.account_id, r.model_id, r.day, r.records, r.input_tokens, r.cached_input_tokens,
             r.output_tokens, r.images, r.cost)
            for r in db.session.scalars(select(UsageDaily).order_by(
                UsageDaily.account_id, UsageDaily.model_id, UsageDaily.day))]


def sums_agree() -> bool:
    """Whether the rollups hold exactly the sums of the records, per account x model."""
    columns = ("input_tokens", "cached_input_tokens", "output_tokens", "images", "cost")

    def sums(model, count):
        query = select(model.account_id, model.model_id, count,
                       *(func.sum(getattr(model, c)) for c in columns)).group_by(
            model.account_id, model.model_id).order_by(model.account_id, model.model_id)
        return [tuple(row) for row in db.session.execute(query)]

    return sums(UsageRecord, func.count()) == sums(UsageDaily, func.sum(UsageDaily.records))
