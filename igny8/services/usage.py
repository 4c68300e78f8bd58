"""Where models are used: the global slots and account overrides pointing at each model
(queries only; the rules built on them are in catalogue_guards.py)."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, Text, any_, bindparam, cast, distinct, func, null, or_
from sqlalchemy import select, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from igny8.extensions import db
from igny8.models import SLOTS, Account, GlobalIntegrationSettings
from igny8.models import IntegrationSettings, Slot
from igny8.models.json_keys import json_key_text


@dataclass
class Usage:
    """The places that point at one model: global slot names and overriding accounts."""

    global_slots: list[str] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    account_slots: dict[int, list[str]] = field(default_factory=dict)
    account_total: int = 0  # every overriding account, also those `accounts` leaves out

    @property
    def count(self) -> int:
        """How many places use the model (global slots plus accounts)."""
        return len(self.global_slots) + max(self.account_total, len(self.accounts))

    @property
    def more_accounts(self) -> int:
        """Overriding accounts not loaded into `accounts` (see usage_for's account_limit)."""
        return max(0, self.account_total - len(self.accounts))

    @property
    def in_use(self) -> bool:
        """Whether anything points at the model."""
        return self.count > 0

    @property
    def global_labels(self) -> list[str]:
        """Human names of the global slots using the model."""
        return [SLOTS[name].label for name in self.global_slots]


def _override_id(value: object) -> int | None:
    """An account override value as a model id; None when it is not one."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _global_usage(ids: set[int], result: dict[int, Usage]) -> None:
    """Fill in the global slots pointing at `ids` (one query)."""
    settings = db.session.scalars(select(GlobalIntegrationSettings)).all()
    for row in settings:
        for slot in SLOTS.values():
            model_id = getattr(row, slot.column)
            if model_id in ids:
                result[model_id].global_slots.append(slot.name)


def global_slots_of(model_ids: Iterable[int]) -> dict[int, list[str]]:
    """Model id → names of the global slots pointing at it (one query)."""
    result = {int(model_id): Usage() for model_id in model_ids}
    if result:
        _global_usage(set(result), result)
    return {model_id: found.global_slots for model_id, found in result.items()}


def _override_value(slot: Slot) -> ColumnElement[str]:
    """An account's override for `slot` as text, written as its expression index is (0010)."""
    return json_key_text(IntegrationSettings.config, slot.config_key)


def _override_matches(ids: set[int]) -> list:
    """Conditions: an account override key holds one of `ids`."""
    wanted = [str(model_id) for model_id in ids]
    # The extracted JSON value cast to text matches ids stored as numbers or as strings.
    return [_override_value(slot).in_(wanted) for slot in SLOTS.values()]


def _account_usage(ids: set[int], result: dict[int, Usage], limit: int | None) -> None:
    """Fill in the accounts whose overrides point at `ids` (one query, at most `limit` rows)."""
    query = (
        select(IntegrationSettings)
        .options(joinedload(IntegrationSettings.account))
        .where(or_(*_override_matches(ids)))
        .order_by(IntegrationSettings.account_id)
        .limit(limit)
    )
    for settings in db.session.scalars(query).unique():
        for slot in SLOTS.values():
            model_id = _override_id((settings.config or {}).get(slot.config_key))
            if model_id in ids:
                usage = result[model_id]
                if settings.account_id not in usage.account_slots:
                    usage.accounts.append(settings.account)
                usage.account_slots.setdefault(settings.account_id, []).append(slot.name)


def _account_total(model_id: int, usage: Usage) -> None:
    """Count every account overriding to `model_id` (one query)."""
    query = select(func.count()).select_from(IntegrationSettings).where(
        or_(*_override_matches({model_id})))
    usage.account_total = db.session.scalar(query)


def usage_for(model_ids: Iterable[int], account_limit: int | None = None) -> dict[int, Usage]:
    """Usage of each model id, in a constant number of queries (two) whatever their number.

    With one id and `account_limit`, only the first `account_limit` accounts (by id) are loaded
    and one more query counts them all (`account_total`): a popular model's page stays fast.
    """
    ids = {int(model_id) for model_id in model_ids}
    result = {model_id: Usage() for model_id in ids}
    if not ids:
        return result
    _global_usage(ids, result)
    limit = account_limit if len(ids) == 1 else None
    _account_usage(ids, result, limit)
    for model_id, usage in result.items():
        if limit is not None and len(usage.accounts) >= limit:
            _account_total(model_id, usage)
        else:
            usage.account_total = len(usage.accounts)
    return result


def _one_of(value: ColumnElement[str], wanted: list[str]) -> ColumnElement[bool]:
    """`value` is one of `wanted`, sent as one parameter (a PostgreSQL array, a JSON array on
    SQLite): the statement's text is the same for any number of ids, so it is parsed once.

    A prepared statement's generic plan compares `= ANY($1)` with every array element in turn;
    the expression indexes turn that into one index look-up per id.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return value == any_(bindparam("model_ids", wanted, type_=ARRAY(Text)))
    ids = func.json_each(bindparam("model_ids", json.dumps(wanted))).table_valued("value")
    return value.in_(select(ids.c.value))


def _places(wanted: list[str]) -> list[Select]:
    """One SELECT per place that names a model, (account id, model id as text), for `wanted`:
    the four override keys (each in its index) and the global row's four slots (no account)."""
    places = []
    for slot in SLOTS.values():
        value = _override_value(slot)
        places.append(select(IntegrationSettings.account_id, value.label("model_id"))
                      .where(_one_of(value, wanted)))
        column = cast(getattr(GlobalIntegrationSettings, slot.column), Text)
        places.append(select(null().label("account_id"), column.label("model_id"))
                      .where(_one_of(column, wanted)))
    return places


def usage_counts(model_ids: Iterable[int]) -> dict[int, int]:
    """How many places use each model (global slots + distinct accounts), as usage_for's count.

    One query whose result has one row per used model: the database counts the accounts, so a
    list page does not load every overriding account as usage_for does; each override key is
    looked up in its expression index (see docs/performance.md).
    """
    ids = {int(model_id) for model_id in model_ids}
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    places = union_all(*_places(sorted(str(model_id) for model_id in ids))).subquery()
    account = places.c.account_id
    # Distinct overriding accounts, plus one per global slot (the rows without an account).
    total = func.count(distinct(account)) + func.count() - func.count(account)
    query = select(places.c.model_id, total).group_by(places.c.model_id)
    for model_id, uses in db.session.execute(query):
        counts[int(model_id)] += uses
    return counts
