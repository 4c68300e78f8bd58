"""Locking: optimistic versions on edits, and the row locks every write takes before it checks."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.util import identity_key

from igny8.errors import ConflictError
from igny8.extensions import db
from igny8.models import GLOBAL_SETTINGS_ID, Account, AIModelConfig, GlobalIntegrationSettings
from igny8.services import slot_choices

CONFLICT_MESSAGE = (
    "{what} was changed by someone else since you opened it; reload to see their changes"
)


def describe(obj: Any) -> str:
    """A human name for `obj` in conflict messages."""
    for attribute in ("display_name", "name"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)
    return type(obj).__name__


def parse_version(value: Any) -> int | None:
    """The version sent by a form or client as an int; None when absent or not a number."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def version_of(obj: Any) -> int:
    """The version an editor loads: the row's, or 0 while the row does not exist yet (its
    creation is then the change a second editor conflicts with)."""
    return 0 if obj is None else obj.version


def check_version(obj: Any, expected_version: Any, what: str | None = None) -> None:
    """Raise ConflictError when the version of `obj` (see version_of) differs from the version
    the editor loaded.

    `None` (a client that sent no version) skips the check; the version column still
    catches two writes racing each other at flush time (see services/unit_of_work.py).
    """
    if expected_version is None:
        return
    if parse_version(expected_version) != version_of(obj):
        raise stale_error(what or describe(obj))


def stale_error(what: str) -> ConflictError:
    """The conflict raised when `what` was saved by someone else since it was loaded."""
    return ConflictError(CONFLICT_MESSAGE.format(what=what), {"version": "stale"})


# Pessimistic locks for the rules that span rows (docs/invariants.md). Every write service takes
# them at its top, before it checks, always in this order, so writers never wait in a circle:
# the catalogue's names, the models by id, the accounts by id. PostgreSQL: SELECT ... FOR UPDATE
# (FOR SHARE for writers that only need a model to stay as it is) and transaction-scoped advisory
# locks for what has no row to lock (names not yet taken, settings not yet written). SQLite locks
# the whole file: a helper starts the transaction with BEGIN IMMEDIATE (or, inside one already
# open, makes a write that matches no row), so writers queue for the write lock. The global
# settings row needs no lock of its own: its version column turns two concurrent saves into one
# 409 (see services/unit_of_work.py).
LOCK_NAMES, LOCK_ACCOUNT = 1, 2
LOCK_ACCOUNT_NAMES = 5  # 3 and 4 are the ledger's (services/ledger_locks.py)
LOCK_READS = "igny8_lock_model_reads"  # session.info flag set by lock_chosen_models
DELETED_MESSAGE = "{what} was deleted by someone else meanwhile; reload and choose another model"


def _is_postgresql() -> bool:
    """Whether the session talks to PostgreSQL (else SQLite)."""
    return db.session.get_bind().dialect.name == "postgresql"


def _advisory(namespace: int, key: int = 0) -> None:
    """Hold the advisory lock (namespace, key) until the transaction ends (PostgreSQL)."""
    db.session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                       {"namespace": namespace, "key": key})


def _sqlite_write_lock() -> None:
    """Take SQLite's write lock now: BEGIN IMMEDIATE when no transaction is open yet (reads
    alone open none), else an UPDATE matching no row, which reserves the file and fires no
    trigger (a bumped cache generation would outlive a refused write's rollback in the cache)."""
    driver = db.session.connection().connection.driver_connection
    if not driver.in_transaction:
        driver.execute("BEGIN IMMEDIATE")
    else:
        db.session.execute(text(f"UPDATE {AIModelConfig.__tablename__} SET id = id WHERE 0 = 1"))


def lock_catalogue_names() -> None:
    """Lock every model name and alias: creates and edits that could collide queue here."""
    if _is_postgresql():
        _advisory(LOCK_NAMES)
    else:
        _sqlite_write_lock()


def _locking_select(wanted: list[int], shared: bool):
    """The statement that reads the models under the lock: FOR UPDATE/SHARE on PostgreSQL; on
    SQLite a plain SELECT after the write lock (no other writer can commit meanwhile)."""
    query = select(AIModelConfig).where(AIModelConfig.id.in_(wanted)).order_by(AIModelConfig.id)
    if _is_postgresql():
        return query.with_for_update(read=shared)
    _sqlite_write_lock()
    return query


def _loaded_versions(wanted: list[int]) -> dict[int, Any]:
    """The version of each wanted model as the request loaded it (None when not loaded)."""
    versions = {}
    for model_id in wanted:
        model = db.session.identity_map.get(identity_key(AIModelConfig, model_id))
        versions[model_id] = None if model is None else sa_inspect(model).dict.get("version")
    return versions


def _changed_meanwhile(loaded: Mapping[int, Any], found: Mapping[int, AIModelConfig]) -> None:
    """ConflictError naming a model the request loaded that was changed or deleted since."""
    for model_id, version in loaded.items():
        model = db.session.identity_map.get(identity_key(AIModelConfig, model_id))
        if version is None or model is None:
            continue
        what = f"{model.display_name} ({model.model_name})"
        if model_id not in found:
            raise ConflictError(DELETED_MESSAGE.format(what=what), {"model": "deleted"})
        if model.version != version:
            raise ConflictError(CONFLICT_MESSAGE.format(what=what), {"version": "stale"})


def _expire_global_settings() -> None:
    """Reload the global row on next use: a check after the lock must see what is committed."""
    row = db.session.identity_map.get(identity_key(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID))
    if row is not None:
        db.session.expire(row)


def _is_id(value: Any) -> bool:
    """Whether `value` can be a model id (an int, not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def lock_models(ids: Iterable[Any], shared: bool = False) -> dict[int, AIModelConfig]:
    """Lock the models (in id order) and reload them as committed now.

    A model the request loaded before the lock and that was changed or deleted since is a
    ConflictError (409): the checks that follow would judge what the user did not see."""
    wanted = sorted({i for i in ids if _is_id(i)})
    if not wanted:
        if not _is_postgresql():
            _sqlite_write_lock()
        return {}
    loaded = _loaded_versions(wanted)
    query = _locking_select(wanted, shared).execution_options(populate_existing=True)
    found = {model.id: model for model in db.session.scalars(query)}
    _changed_meanwhile(loaded, found)
    _expire_global_settings()
    return found


def lock_account_settings(account_ids: Iterable[int]) -> list[int]:
    """Lock the accounts' settings (even before their first write) and reload them; their ids."""
    wanted = sorted(set(account_ids))
    if not _is_postgresql():
        _sqlite_write_lock()
    for account_id in wanted if _is_postgresql() else ():
        _advisory(LOCK_ACCOUNT, account_id)
    if wanted:
        query = (select(Account).where(Account.id.in_(wanted))
                 .options(selectinload(Account.integration_settings))
                 .execution_options(populate_existing=True))
        db.session.scalars(query).all()
    return wanted


def lock_account_names() -> None:
    """Lock every account name: account creates and renames queue here (then the index)."""
    if _is_postgresql():
        _advisory(LOCK_ACCOUNT_NAMES)
    else:
        _sqlite_write_lock()


def lock_accounts(account_ids: Iterable[int], shared: bool = False) -> dict[int, Account]:
    """Lock the account rows in id order (FOR UPDATE, or FOR SHARE for writers that need an
    account to stay active) and reload them as committed now; by id (unknown ids missing)."""
    query = (select(Account).where(Account.id.in_(sorted(set(account_ids))))
             .order_by(Account.id).execution_options(populate_existing=True))
    if _is_postgresql():
        query = query.with_for_update(read=shared)
    else:
        _sqlite_write_lock()
    return {account.id: account for account in db.session.scalars(query)}


def lock_for_seed() -> None:
    """Before the seed upserts the catalogue and fills empty slots: names, then every model."""
    lock_catalogue_names()
    lock_models(db.session.scalars(select(AIModelConfig.id)).all())


def lock_for_model_edit(model: AIModelConfig) -> None:
    """Before a model's fields change: the catalogue's names, then the model."""
    lock_catalogue_names()
    lock_models([model.id])


@event.listens_for(Session, "do_orm_execute")
def _lock_model_reads(state) -> None:
    """Inside lock_chosen_models: model SELECTs lock FOR SHARE (in id order) and reload."""
    if not state.is_select or not state.session.info.get(LOCK_READS):
        return
    if any(d.get("entity") is AIModelConfig for d in state.statement.column_descriptions):
        state.statement = state.statement.with_for_update(read=True).order_by(AIModelConfig.id)
        state.update_execution_options(populate_existing=True)


def lock_chosen_models(model_ids: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Before the global slots change: slot_choices.chosen_models, its one query locking the
    chosen models FOR SHARE (they stay as they are until the commit) and reloading them."""
    loaded = _loaded_versions(sorted({i for i in model_ids.values() if _is_id(i)}))
    if not _is_postgresql():
        _sqlite_write_lock()
    db.session.info[LOCK_READS] = True
    try:
        selections = slot_choices.chosen_models(model_ids, what)
    finally:
        db.session.info.pop(LOCK_READS, None)
    _changed_meanwhile(loaded, {m.id: m for m in selections.values() if m is not None})
    _expire_global_settings()
    return selections


def lock_for_account_write(account_ids: Iterable[int], model_ids: Iterable[Any]) -> list[int]:
    """Before overrides change: the chosen models (shared: they must stay), then the accounts;
    the account ids, as a list (the caller may have passed a one-pass iterable)."""
    lock_models(model_ids, shared=True)
    return lock_account_settings(account_ids)
