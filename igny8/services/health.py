"""The catalogue's health, for the dashboard: each check one query, whatever the number of
accounts or models (global slots on models that need attention, active models past their
deprecation date, account overrides that cannot resolve, prices missing or not checked lately,
the latest history)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Select, Text, and_, case, cast, distinct, func, literal, or_, select
from sqlalchemy import union_all
from sqlalchemy.orm import joinedload

from igny8 import lifecycle
from igny8.extensions import db
from igny8.models import SLOTS, AIModelConfig, AuditEntry, GlobalIntegrationSettings
from igny8.models import Account, IntegrationSettings, Slot
from igny8.models.json_keys import json_key_text
from igny8.pricing import REQUIRED_PRICES
from igny8.services.lifecycle import TODAY

M = AIModelConfig
STALE_PRICE_DAYS = 90
SHOWN = 20  # models a check names; the rest are counted
RECENT = 10
# Why an account override cannot be used, in the order they are checked.
OVERRIDE_PROBLEMS = {
    "missing": "point at a model that does not exist",
    "wrong_type": "point at a model of the wrong provider or type for the slot",
    "inactive": "point at an inactive model",
    "retired": "point at a retired model (deprecation date reached)",
}


@dataclass
class SlotWarning:
    """A global slot whose model needs attention."""

    slot: Slot
    model: AIModelConfig
    state: str


@dataclass
class ModelCheck:
    """The first models a check found and how many there are in all."""

    models: list[AIModelConfig] = field(default_factory=list)
    total: int = 0


@dataclass
class Health:
    """Every check of the dashboard."""

    slots: list[SlotWarning]
    past_deprecation: ModelCheck
    overrides: dict[str, int]
    missing_prices: ModelCheck
    stale_prices: ModelCheck
    recent: list[AuditEntry]

    @property
    def problems(self) -> int:
        """How many things need attention."""
        return (len(self.slots) + self.past_deprecation.total + sum(self.overrides.values())
                + self.missing_prices.total + self.stale_prices.total)


def slot_warnings() -> list[SlotWarning]:
    """Global slots on retired, retiring or inactive models (one query)."""
    query = select(GlobalIntegrationSettings).options(
        *(joinedload(getattr(GlobalIntegrationSettings, name)) for name in SLOTS))
    warnings = []
    for row in db.session.scalars(query).unique():
        for name, slot in SLOTS.items():
            model = getattr(row, name)
            if model is not None and model.state != lifecycle.ACTIVE:
                warnings.append(SlotWarning(slot, model, model.state))
    return warnings


def _models_check(condition) -> ModelCheck:
    """The first SHOWN models meeting `condition` by name, and their count (one query)."""
    total = func.count().over().label("total")
    query = select(M, total).where(condition).order_by(M.display_name, M.id).limit(SHOWN)
    found = db.session.execute(query).all()
    return ModelCheck([row[0] for row in found], found[0].total if found else 0)


def _missing_prices_condition():
    """A model lacks a price its type requires."""
    lacking = {model_type: or_(*(getattr(M, name).is_(None) for name in names))
               for model_type, names in REQUIRED_PRICES.items()}
    return or_(*(and_(M.model_type == model_type, missing)
                 for model_type, missing in lacking.items()))


def _stale_condition():
    """Prices set but never checked, or checked more than STALE_PRICE_DAYS days ago."""
    oldest = lifecycle.today() - timedelta(days=STALE_PRICE_DAYS)
    return and_(~_missing_prices_condition(),
                or_(M.price_checked_on.is_(None), M.price_checked_on < oldest))


def override_places() -> Select:
    """(account id, slot name, model id as stored text, problem) for every override, one row
    per override, as one UNION over the four override keys. The problem is None when the
    override can be used, and for archived accounts: they take no new usage, so their
    overrides are nothing to fix."""
    selects = []
    for name, slot in SLOTS.items():
        value = json_key_text(IntegrationSettings.config, slot.config_key)
        fits = M.model_type == slot.model_type
        if slot.provider is not None:
            fits = and_(fits, M.provider == slot.provider)
        problem = case((Account.archived_at.is_not(None), literal(None)),
                       (M.id.is_(None), "missing"), (~fits, "wrong_type"),
                       (M.is_active.is_(False), "inactive"),
                       (M.deprecation_date <= TODAY, "retired"), else_=literal(None))
        selects.append(
            select(IntegrationSettings.account_id.label("account_id"),
                   literal(name).label("slot"), value.label("model"), problem.label("problem"))
            .join(Account, Account.id == IntegrationSettings.account_id)
            .outerjoin(M, cast(M.id, Text) == value)
            .where(value.is_not(None), value != ""))
    return union_all(*selects).subquery()


def override_problems() -> dict[str, int]:
    """Accounts with at least one override of each problem (one query)."""
    places = override_places()
    query = (select(places.c.problem, func.count(distinct(places.c.account_id)))
             .where(places.c.problem.is_not(None)).group_by(places.c.problem))
    counts = dict.fromkeys(OVERRIDE_PROBLEMS, 0)
    counts.update({problem: count for problem, count in db.session.execute(query)})
    return counts


def accounts_with_problem(problem: str):
    """The ids of accounts with an override of `problem`, as a subquery for IN (...)."""
    places = override_places()
    return select(places.c.account_id).where(places.c.problem == problem)


def recent_changes() -> list[AuditEntry]:
    """The last RECENT history entries, newest first (one query)."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return list(db.session.scalars(query.limit(RECENT)))


def health() -> Health:
    """Every dashboard check, in a fixed number of queries."""
    past = and_(M.is_active.is_(True), M.deprecation_date <= TODAY)
    return Health(
        slots=slot_warnings(),
        past_deprecation=_models_check(past),
        overrides=override_problems(),
        missing_prices=_models_check(_missing_prices_condition()),
        stale_prices=_models_check(_stale_condition()),
        recent=recent_changes(),
    )
