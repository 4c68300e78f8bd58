"""Where models are used, and the rules that protect used models from deactivation and deletion."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, Text, any_, bindparam, cast, delete, distinct, func, null, or_
from sqlalchemy import select, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from igny8.errors import ModelInUse, ValidationFailed
from igny8.extensions import db
from igny8.models import SLOTS, Account, AIModelConfig, GlobalIntegrationSettings
from igny8.models import IntegrationSettings, Slot
from igny8.models.json_keys import json_key_text
from igny8.pricing import missing_prices
from igny8.services import audit
from igny8.services.catalogue_input import EDITABLE_FIELDS
from igny8.services.locking import commit_or_conflict

OBJECT_TYPE = "ai_model"
NAMED_ACCOUNTS = 10  # accounts a refusal message names; the rest are counted


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


def _names(models: Sequence[AIModelConfig]) -> str:
    """`a, b and c` from the models' display names."""
    names = [f"{model.display_name} ({model.model_name})" for model in models]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def deactivation_blockers(models: Sequence[AIModelConfig]) -> dict[int, list[str]]:
    """Model id → labels of the global slots that forbid deactivating it."""
    usage = {model.id: Usage() for model in models}
    if usage:
        _global_usage(set(usage), usage)
    return {mid: found.global_labels for mid, found in usage.items() if found.global_slots}


def deactivation_errors(model: AIModelConfig) -> dict[str, str]:
    """{"is_active": message} when a global setting uses `model`, for forms that deactivate it."""
    labels = deactivation_blockers([model]).get(model.id)
    if not labels:
        return {}
    return {"is_active": (
        f"{model.display_name} is the {' and '.join(labels)} of the Global Integration Settings;"
        " choose another model there before deactivating it."
    )}


def slot_fit_errors(model: AIModelConfig) -> dict[str, str]:
    """Field errors when an edit moves a model out of a global slot that uses it."""
    usage = {model.id: Usage()}
    _global_usage({model.id}, usage)
    misfits = [SLOTS[name] for name in usage[model.id].global_slots
               if not SLOTS[name].accepts(model)]
    if not misfits:
        return {}
    field = "model_type" if any(s.model_type != model.model_type for s in misfits) else "provider"
    labels = " and ".join(slot.label for slot in misfits)
    return {field: (
        f"{model.display_name} is the {labels} of the Global Integration Settings;"
        " choose another model there before changing its provider or type."
    )}


def activation_blockers(models: Sequence[AIModelConfig]) -> dict[int, list[str]]:
    """Model id → the prices it lacks to be activated."""
    blockers = {}
    for model in models:
        missing = missing_prices(model)
        if missing:
            blockers[model.id] = missing
    return blockers


def _set_active(models: Sequence[AIModelConfig], active: bool) -> list[AIModelConfig]:
    """Flip `is_active` on the models that differ, audit each, commit once."""
    changed = [model for model in models if model.is_active != active]
    action = "activate" if active else "deactivate"
    for model in changed:
        model.is_active = active
        audit.record(action, OBJECT_TYPE, str(model.id), model.label,
                     {"is_active": [not active, active]})
    commit_or_conflict(_names(changed) if changed else "The catalogue")
    return changed


def deactivate_models(models: Sequence[AIModelConfig]) -> list[AIModelConfig]:
    """Deactivate the models; refused (nothing written) when a global setting uses any of them."""
    blockers = deactivation_blockers([model for model in models if model.is_active])
    if blockers:
        blocked = [model for model in models if model.id in blockers]
        details = "; ".join(
            f"{model.display_name} is the {' and '.join(blockers[model.id])} of the global settings"
            for model in blocked
        )
        raise ModelInUse(
            f"Cannot deactivate {_names(blocked)}: {details}. Choose another model in the"
            " Global Integration Settings first.",
            {str(model.id): ", ".join(blockers[model.id]) for model in blocked},
        )
    return _set_active(models, False)


def activate_models(models: Sequence[AIModelConfig]) -> list[AIModelConfig]:
    """Activate the models; refused (nothing written) when any lacks the pricing its type needs."""
    blockers = activation_blockers([model for model in models if not model.is_active])
    if blockers:
        blocked = [model for model in models if model.id in blockers]
        raise ValidationFailed(
            f"Cannot activate {_names(blocked)}: an active model needs complete pricing"
            " for its type. Add the missing prices first.",
            {str(mid): "missing " + ", ".join(missing) for mid, missing in blockers.items()},
        )
    return _set_active(models, True)


def toggle_active(model: AIModelConfig) -> AIModelConfig:
    """Activate an inactive model or deactivate an active one, with the same guards."""
    if model.is_active:
        deactivate_models([model])
    else:
        activate_models([model])
    return model


def _in_use_message(model: AIModelConfig, usage: Usage) -> str:
    """The sentence that lists what keeps `model` from being deleted."""
    places = [f"global setting {label}" for label in usage.global_labels]
    places += [f"account {account.name}" for account in usage.accounts]
    if usage.more_accounts:
        places.append(f"{usage.more_accounts} more accounts")
    return f"Cannot delete {model.display_name} ({model.model_name}): used by {', '.join(places)}."


def delete_model(model: AIModelConfig) -> None:
    """Delete an unused model with an audit entry; refused with ModelInUse when anything uses it."""
    usage = usage_for([model.id], account_limit=NAMED_ACCOUNTS)[model.id]
    if usage.in_use:
        raise ModelInUse(_in_use_message(model, usage))
    name = f"{model.display_name} ({model.model_name})"
    before = audit.snapshot(model, sorted(EDITABLE_FIELDS))
    audit.record("delete", OBJECT_TYPE, str(model.id), model.label,
                 {field: [value, None] for field, value in before.items()})
    try:
        # A Core DELETE: the ORM would quietly set referencing FKs to NULL; the database refuses.
        db.session.execute(delete(AIModelConfig).where(AIModelConfig.id == model.id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ModelInUse(f"Cannot delete {name}: another record still refers to it.") from None
