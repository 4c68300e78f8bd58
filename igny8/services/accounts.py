"""Accounts: create, rename, archive and unarchive (audited), and the look-ups that refuse an
unknown or archived account to the writers that record usage against one.

A name is stored trimmed and NFKC-normalised with inner spaces collapsed; two accounts never
share one whatever its case or Unicode spelling: the names' lock is taken before the check and
the unique index on `name_key` stands behind it (docs/invariants.md).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select

from igny8.errors import AccountUnavailable, ConflictError, ValidationFailed
from igny8.extensions import db
from igny8.models.accounts import MAX_NAME_LENGTH, Account, account_name_key
from igny8.models.base import utcnow
from igny8.services import audit, locking
from igny8.services.audit import Actor
from igny8.services.text import is_blank
from igny8.services.unit_of_work import Entry, unit_of_work

# Which accounts a list shows: the live ones (pickers, bulk selections), the archived, or all.
ARCHIVED_FILTERS = ("active", "archived", "all")


def clean_name(raw: Any) -> str:
    """The name as stored: NFKC, trimmed, inner runs of spaces as one; refused when unusable."""
    if not isinstance(raw, str):
        raise ValidationFailed("The account name must be text.", {"name": "must be text"})
    if is_blank(raw):
        raise ValidationFailed("The account name is required.", {"name": "required"})
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise ValidationFailed("The account name must not contain control characters.",
                               {"name": "must not contain control characters"})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(f"The account name is longer than {MAX_NAME_LENGTH} characters.",
                               {"name": f"at most {MAX_NAME_LENGTH} characters"})
    return name


def name_taken(name: str, holder: Account | None = None) -> ConflictError:
    """The refusal of a name another account holds (`holder` when known)."""
    owner = f" (account #{holder.id}, {holder.name!r})" if holder else ""
    return ConflictError(f"An account named {name!r} already exists{owner}.",
                         {"name": f"already used{owner}"})


def _check_name_free(name: str, account_id: int | None = None) -> None:
    """Refuse a name whose key another account holds (read after the names' lock)."""
    query = select(Account).where(Account.name_key == account_name_key(name))
    holder = db.session.scalars(query.execution_options(populate_existing=True)).first()
    if holder is not None and holder.id != account_id:
        raise name_taken(name, holder)


def create_account(name: Any, actor: Actor = audit.SYSTEM) -> Account:
    """A new, active account named `name`: one audited commit."""
    name = clean_name(name)
    locking.lock_account_names()
    _check_name_free(name)
    account = Account(name=name)
    with unit_of_work(actor, f"Account {name!r}", on_integrity=name_taken(name)) as work:
        db.session.add(account)
        work.record(lambda: [Entry("create", "account", account.id, account.name,
                                   {"name": [None, account.name], "archived": [None, False]})])
    return account


def get_account(account_id: int) -> Account:
    """The account with this id, archived or not; an unknown id is refused."""
    account = db.session.get(Account, account_id)
    if account is None:
        raise ValidationFailed(f"There is no account with id {account_id}.",
                               {"account_id": f"unknown: {account_id}"})
    return account


def _locked_account(account_id: int, expected_version: Any) -> Account:
    """The account locked for a change, as committed now; stale or unknown is refused."""
    loaded = db.session.get(Account, account_id)
    what = f"Account {loaded.name!r}" if loaded else "The account"
    account = locking.lock_accounts([account_id]).get(account_id)
    if account is None:
        raise ValidationFailed(f"There is no account with id {account_id}.",
                               {"account_id": f"unknown: {account_id}"})
    locking.check_version(account, expected_version, what)
    return account


def update_account(account_id: int, name: Any = None, archived: bool | None = None,
                   expected_version: Any = None, actor: Actor = audit.SYSTEM
                   ) -> tuple[Account, dict[str, list]]:
    """Rename (`name`) and/or archive or unarchive (`archived`) in one audited commit;
    the account and its changes (empty when nothing changed: nothing is written)."""
    new_name = clean_name(name) if name is not None else None
    if archived is not None and not isinstance(archived, bool):
        raise ValidationFailed("archived must be true or false.", {"archived": "true or false"})
    if new_name is not None:
        locking.lock_account_names()
    account = _locked_account(account_id, expected_version)
    changes = _apply_changes(account, new_name, archived)
    if not changes:
        return account, changes
    action = "update"
    if set(changes) == {"archived"}:  # the archive state alone: named as such in the history
        action = "archive" if archived else "unarchive"
    with unit_of_work(actor, f"Account {account.name!r}",
                      on_integrity=name_taken(new_name or account.name)) as work:
        work.record([Entry(action, "account", account.id, account.name, changes)])
    return account, changes


def _apply_changes(account: Account, new_name: str | None,
                   archived: bool | None) -> dict[str, list]:
    """Set the new name and archived state on the locked account; field-level changes."""
    changes: dict[str, list] = {}
    if new_name is not None and new_name != account.name:
        _check_name_free(new_name, account.id)
        changes["name"] = [account.name, new_name]
        account.name = new_name
    if archived is not None and archived != account.is_archived:
        changes["archived"] = [account.is_archived, archived]
        account.archived_at = utcnow() if archived else None
    return changes


def rename_account(account_id: int, name: Any, expected_version: Any = None,
                   actor: Actor = audit.SYSTEM) -> tuple[Account, dict[str, list]]:
    """Give the account another name (unique like a new one's); see update_account."""
    return update_account(account_id, name=name, expected_version=expected_version, actor=actor)


def archive_account(account_id: int, expected_version: Any = None,
                    actor: Actor = audit.SYSTEM) -> tuple[Account, dict[str, list]]:
    """Archive the account: it leaves the pickers and takes no new usage; history stays."""
    return update_account(account_id, archived=True, expected_version=expected_version,
                          actor=actor)


def unarchive_account(account_id: int, expected_version: Any = None,
                      actor: Actor = audit.SYSTEM) -> tuple[Account, dict[str, list]]:
    """Bring an archived account back."""
    return update_account(account_id, archived=False, expected_version=expected_version,
                          actor=actor)


def unavailable(account_id: int, account: Account | None) -> AccountUnavailable | None:
    """Why nothing new may be recorded against the account, or None when it is active."""
    if account is None:
        return AccountUnavailable(f"There is no account with id {account_id}.",
                                  {"account_id": f"unknown account: {account_id}"})
    if account.is_archived:
        day = account.archived_at.date().isoformat()
        return AccountUnavailable(
            f"Account {account.name!r} (#{account.id}) was archived on {day}.",
            {"account_id": f"archived account: {account.id}"})
    return None


def get_active_accounts(account_ids: Iterable[int], lock: bool = True) -> dict[int, Account]:
    """The active accounts with these ids, by id; the first unknown or archived one is refused
    (AccountUnavailable). With `lock` (writers recording usage) the rows are locked FOR SHARE
    until the caller's commit, so an archive waits for it and cannot slip in between."""
    wanted = sorted(set(account_ids))
    if lock:
        found = locking.lock_accounts(wanted, shared=True)
    else:
        found = {a.id: a for a in db.session.scalars(select(Account).where(Account.id.in_(wanted)))}
    for account_id in wanted:
        error = unavailable(account_id, found.get(account_id))
        if error is not None:
            raise error
    return found


def get_active_account(account_id: int, lock: bool = True) -> Account:
    """The account if it exists and is not archived, else AccountUnavailable (see above)."""
    return get_active_accounts([account_id], lock)[account_id]


def with_archived(query: Select, which: str = "active") -> Select:
    """`query` over accounts narrowed to the active ones (default), the archived, or all."""
    if which == "archived":
        return query.where(Account.archived_at.is_not(None))
    if which == "all":
        return query
    return query.where(Account.archived_at.is_(None))


def active_accounts() -> list[Account]:
    """Every active account by name: what pickers and bulk selections offer."""
    return list(db.session.scalars(with_archived(select(Account)).order_by(Account.name,
                                                                           Account.id)))
