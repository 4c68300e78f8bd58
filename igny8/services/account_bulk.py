"""Bulk account overrides: one slot set or cleared on many accounts, its preview and one commit."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models import Account, AIModelConfig, get_slot
from igny8.services import audit, locking
from igny8.services.account_settings import account_overrides, override_ref, store_overrides
from igny8.services.audit import Actor
from igny8.services.slot_choices import model_ref, models_by_id
from igny8.services.unit_of_work import Entry, commit


def load_accounts(account_ids: Iterable[int]) -> list[Account]:
    """The accounts with these ids and their settings (two queries); unknown or archived ids
    are refused."""
    wanted = sorted(set(account_ids))
    query = (
        select(Account)
        .options(selectinload(Account.integration_settings))
        .where(Account.id.in_(wanted))
        .order_by(Account.name, Account.id)
    )
    accounts = db.session.scalars(query).all()
    unknown = set(wanted) - {account.id for account in accounts}
    if unknown:
        ids = ", ".join(str(i) for i in sorted(unknown))
        raise ValidationFailed(f"Unknown accounts: {ids}", {"account_ids": f"unknown: {ids}"})
    archived = [account.name for account in accounts if account.is_archived]
    if archived:  # not offered by the page; refused when posted by hand
        names = ", ".join(archived)
        raise ValidationFailed(f"Archived accounts are not changed in bulk: {names}",
                               {"account_ids": f"archived: {names}"})
    return list(accounts)


@dataclass(frozen=True)
class BulkRow:
    """A selected account of a bulk change: its override now and whether the change alters it."""

    account: Account
    before: str
    changes: bool


def bulk_preview(accounts: list[Account], slot_name: str, model_id: int | None) -> list[BulkRow]:
    """Each account's override of the slot and whether setting `model_id` (None: clear)
    changes it."""
    stored = {a.id: account_overrides(a.integration_settings).get(slot_name) for a in accounts}
    models = models_by_id(stored.values())
    return [BulkRow(account, override_ref(stored[account.id], models),
                    stored[account.id] != model_id) for account in accounts]


def bulk_model(model_id: int | None) -> AIModelConfig | None:
    """The model a bulk change sets (None: clear); an unknown id is refused."""
    model = models_by_id([model_id]).get(model_id) if model_id is not None else None
    if model_id is not None and model is None:
        raise ValidationFailed(f"model {model_id} does not exist", {"model": "unknown model"})
    return model


def bulk_set_override(
    account_ids: Iterable[int], slot_name: str, model_id: int | None,
    actor: Actor = audit.SYSTEM,
) -> int:
    """Set (a model id) or clear (None) one slot's override on many accounts in one commit;
    returns how many changed (an account already holding the value is not written)."""
    account_ids = locking.lock_for_account_write(account_ids, [model_id])
    accounts = load_accounts(account_ids)
    model = bulk_model(model_id)
    slot = get_slot(slot_name)
    reason = slot.why_not(model) if model is not None else None
    if reason:
        raise ValidationFailed(f"{slot.label}: not a valid choice ({reason})", {"model": reason})
    new_id = model.id if model else None
    after = model_ref(model) or "global default"
    entries = []
    for row in bulk_preview(accounts, slot_name, new_id):
        if not row.changes:  # already in effect (a repeated confirm): no write, no history
            continue
        store_overrides(row.account, {slot_name: new_id})
        entries.append(Entry("update", "account_settings", row.account.id, row.account.name,
                             {slot_name: [row.before, after]}))
    if entries:
        commit(actor, "Account settings", entries)
    return len(entries)
