"""Replace model X with model Y everywhere: the global slots and the account overrides that
point at X move to Y, in one audited unit of work; optionally X is deactivated after.

`plan_replacement` is the preview: what moves and what cannot move (Y does not fit the slot).
`apply_replacement` locks the rows involved, plans again under the lock and refuses with a
ConflictError when the plan differs from the preview the admin saw (its `token`): a change
made in between is detected, never overwritten.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from igny8.errors import ConflictError, ModelInUse, ValidationFailed
from igny8.extensions import db
from igny8.models import SLOTS, Account, AIModelConfig, GlobalIntegrationSettings
from igny8.models import IntegrationSettings
from igny8.models.json_keys import json_key_text
from igny8.services import audit
from igny8.services.audit import Actor
from igny8.services.catalogue_guards import model_name
from igny8.services.locking import lock_account_settings, lock_models
from igny8.services.slot_choices import model_ref
from igny8.services.unit_of_work import Entry, unit_of_work

GLOBAL = "Global Integration Settings"


@dataclass(frozen=True)
class Place:
    """One slot that points at the model: the global row's (account_id None) or an account's."""

    slot: str
    account_id: int | None = None
    account_name: str = ""
    reason: str = ""  # why the new model cannot go there; "" when it moves

    @property
    def where(self) -> str:
        """`Global Integration Settings` or `account Acme (#3)`."""
        return GLOBAL if self.account_id is None else f"account {self.account_name}"

    @property
    def slot_label(self) -> str:
        """The slot's human name."""
        return SLOTS[self.slot].label


@dataclass
class Plan:
    """What replacing `source` with `target` moves, and what it cannot move."""

    source: AIModelConfig
    target: AIModelConfig
    moves: list[Place] = field(default_factory=list)
    blocked: list[Place] = field(default_factory=list)

    @property
    def token(self) -> str:
        """A digest of the plan: apply refuses when the plan under lock has another."""
        parts = [f"{self.source.id}>{self.target.id}"]
        parts += sorted(f"{p.account_id}:{p.slot}:{p.reason}" for p in self.moves + self.blocked)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _models(source_id: int, target_id: int) -> tuple[AIModelConfig, AIModelConfig]:
    """Both models; an unknown id, or the same model twice, is refused."""
    if source_id == target_id:
        raise ValidationFailed("Choose another model to replace it with.",
                               {"target_id": "the same model"})
    found = {m.id: m for m in db.session.scalars(
        select(AIModelConfig).where(AIModelConfig.id.in_([source_id, target_id])))}
    for field_name, model_id in (("source_id", source_id), ("target_id", target_id)):
        if model_id not in found:
            raise ValidationFailed(f"There is no model with id {model_id}.",
                                   {field_name: f"unknown: {model_id}"})
    return found[source_id], found[target_id]


def _overrides_of(model_id: int):
    """Account settings rows with an override key holding `model_id`, by account id."""
    wanted = str(model_id)
    matches = [json_key_text(IntegrationSettings.config, slot.config_key) == wanted
               for slot in SLOTS.values()]
    return (select(IntegrationSettings).where(or_(*matches))
            .order_by(IntegrationSettings.account_id))


def _global_rows():
    """The global settings row (there is at most one)."""
    return select(GlobalIntegrationSettings).order_by(GlobalIntegrationSettings.id)


def _place(slot: str, target: AIModelConfig, account: Account | None = None) -> Place:
    """A slot using the source: it moves when the target fits, else it is blocked."""
    reason = SLOTS[slot].why_not(target) or ""
    if account is None:
        return Place(slot, reason=reason)
    return Place(slot, account.id, account.name, reason)


def _build(source, target, global_rows, settings_rows) -> Plan:
    """The plan from the rows that point at the source."""
    plan = Plan(source, target)
    places = [_place(name, target) for row in global_rows for name, slot in SLOTS.items()
              if getattr(row, slot.column) == source.id]
    accounts = {a.id: a for a in db.session.scalars(select(Account).where(
        Account.id.in_([s.account_id for s in settings_rows])))} if settings_rows else {}
    for settings in settings_rows:
        for name, slot in SLOTS.items():
            if str((settings.config or {}).get(slot.config_key)) == str(source.id):
                places.append(_place(name, target, accounts[settings.account_id]))
    for place in places:
        (plan.blocked if place.reason else plan.moves).append(place)
    return plan


def plan_replacement(source_id: int, target_id: int) -> Plan:
    """The preview: every place using the source, split into what moves and what cannot."""
    source, target = _models(source_id, target_id)
    return _build(source, target, db.session.scalars(_global_rows()).all(),
                  db.session.scalars(_overrides_of(source.id)).all())


def _locked_plan(source_id: int, target_id: int) -> Plan:
    """The plan from rows locked in the order every writer takes (services/locking.py): both
    models FOR UPDATE (an override write choosing the source waits: it locks it FOR SHARE), then
    the settings of the accounts pointing at the source, reloaded as committed now."""
    lock_models([source_id, target_id])
    settings_ids = db.session.scalars(
        select(IntegrationSettings.account_id).where(_overrides_of(source_id).whereclause))
    lock_account_settings(list(settings_ids))
    source, target = _models(source_id, target_id)
    return _build(source, target, db.session.scalars(_global_rows()).all(),
                  db.session.scalars(_overrides_of(source.id)).all())


def _move(plan: Plan) -> list[Entry]:
    """Point every movable place at the target; one history entry per changed object."""
    before, after = model_ref(plan.source), model_ref(plan.target)
    entries = []
    global_slots = [p.slot for p in plan.moves if p.account_id is None]
    if global_slots:
        row = db.session.scalars(_global_rows()).first()
        for name in global_slots:
            setattr(row, SLOTS[name].column, plan.target.id)
        entries.append(Entry("update", "global_settings", row.id, GLOBAL,
                             {name: [before, after] for name in global_slots}))
    by_account: dict[int, list[Place]] = {}
    for place in plan.moves:
        if place.account_id is not None:
            by_account.setdefault(place.account_id, []).append(place)
    settings_rows = {s.account_id: s for s in db.session.scalars(_overrides_of(plan.source.id))}
    for account_id, places in by_account.items():
        settings = settings_rows[account_id]
        config = dict(settings.config or {})
        for place in places:
            config[SLOTS[place.slot].config_key] = plan.target.id
        settings.config = config
        entries.append(Entry("update", "account_settings", account_id, places[0].account_name,
                             {place.slot: [before, after] for place in places}))
    return entries


def _deactivate(plan: Plan) -> list[Entry]:
    """Deactivate the source once nothing global uses it any more."""
    if any(place.account_id is None for place in plan.blocked):
        raise ModelInUse(f"Cannot deactivate {model_name(plan.source)}: a global slot still"
                         " uses it (the new model does not fit there).")
    if not plan.source.is_active:
        return []
    plan.source.is_active = False
    return [Entry("deactivate", "ai_model", plan.source.id, plan.source.plain_label,
                  {"is_active": [True, False]})]


def apply_replacement(source_id: int, target_id: int, token: str, deactivate: bool = False,
                      actor: Actor = audit.SYSTEM) -> Plan:
    """Move what the preview `token` showed to the target, in one audited transaction.

    Refused with ConflictError (nothing written) when the places changed since the preview,
    with ValidationFailed when nothing can move and nothing is to be deactivated.
    """
    with unit_of_work(actor, "The replacement") as work:
        plan = _locked_plan(source_id, target_id)
        if plan.token != token:
            raise ConflictError(
                f"What uses {model_name(plan.source)} changed since the preview was shown;"
                " review the new preview and apply again.", {"token": "stale"})
        if not plan.moves and not deactivate:
            raise ValidationFailed(f"Nothing uses {model_name(plan.source)} where"
                                   f" {model_name(plan.target)} fits.", {"target_id": "nothing"})
        entries = _move(plan)
        entries.append(Entry("replace", "ai_model", plan.source.id, plan.source.plain_label,
                             {"replaced_with": [None, model_ref(plan.target)],
                              "places_moved": [None, len(plan.moves)]}))
        if deactivate:
            entries += _deactivate(plan)
        work.record(entries)
    return plan
