"""The reads behind a resolution: each account's integration settings and every model any level
may name, one query each whatever the number of accounts."""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import String, and_, bindparam, cast, inspect, or_, select
from sqlalchemy.orm.attributes import set_committed_value

from igny8.extensions import db
from igny8.models import Account, AIModelConfig, IntegrationSettings, Slot

PLAIN_NAME = re.compile(r"[ !#-\[\]-~]+")  # printable ASCII except " and \ (JSON escapes them)


def account_id_of(account: Account) -> int:
    """The account's id, read from its identity so an expired account is not reloaded."""
    identity = inspect(account).identity
    return identity[0] if identity else account.id


def _loaded_settings(account: Account) -> tuple[bool, IntegrationSettings | None]:
    """(True, settings) when the account's settings and their config are already in memory."""
    if "integration_settings" in inspect(account).unloaded:
        return False, None
    settings = account.integration_settings
    if settings is not None and "config" in inspect(settings).unloaded:
        return False, None
    return True, settings


def settings_by_account(accounts: Iterable[Account]) -> dict[int, IntegrationSettings | None]:
    """Every account's integration settings; those not in memory come from one query."""
    found: dict[int, IntegrationSettings | None] = {}
    to_load: dict[int, Account] = {}
    for account in accounts:
        loaded, settings = _loaded_settings(account)
        if loaded:
            found[account_id_of(account)] = settings
        else:
            to_load[account_id_of(account)] = account
    if to_load:
        # Literal ints: no bound-parameter limit however many accounts come in.
        ids = bindparam("account_ids", sorted(to_load), expanding=True, literal_execute=True)
        query = select(IntegrationSettings).where(IntegrationSettings.account_id.in_(ids))
        rows = {row.account_id: row for row in db.session.scalars(query)}
        for account_id, account in to_load.items():
            found[account_id] = rows.get(account_id)
            set_committed_value(account, "integration_settings", rows.get(account_id))
    return found


def _default_condition(slot: Slot, name: str):
    """SQL for the slot's models called `name` or aliased so; may match more, never less."""
    kind = slot.matching_query().whereclause
    if not PLAIN_NAME.fullmatch(name):
        return kind  # JSON text may escape such a name: load the slot's kind, match in Python
    # Aliases are a JSON list of strings; their text holds `"name"` verbatim for plain names.
    alias = cast(AIModelConfig.aliases, String).contains(f'"{name}"', autoescape=True)
    return and_(kind, or_(AIModelConfig.model_name == name, alias))


def load_models(ids: set[int], defaults: dict[Slot, str]) -> dict[int, AIModelConfig]:
    """In one query, the models with these ids and those the default names may match."""
    id_list = bindparam("model_ids", sorted(ids), expanding=True, literal_execute=True)
    conditions = [_default_condition(slot, name) for slot, name in defaults.items()]
    query = select(AIModelConfig).where(or_(AIModelConfig.id.in_(id_list), *conditions))
    return {model.id: model for model in db.session.scalars(query)}
