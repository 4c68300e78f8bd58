"""The whole lifecycle of a catalogue model: create, update, activate, deactivate, toggle and
delete, each one unit of work credited to the actor passed in; and the catalogue look-ups.

The rules live in catalogue_rules.py (one row) and catalogue_guards.py (the settings using a
model); services/usage.py answers where a model is used.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select

from igny8.errors import ModelInUse, TakenMessage, ValidationFailed
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.pricing import PRICE_FIELDS
from igny8.services import audit, catalogue_guards, locking, price_rules, prices
from igny8.services.audit import Actor
from igny8.services.catalogue_guards import model_name, names
from igny8.services.catalogue_input import EDITABLE_FIELDS, coerce_fields, unknown_fields
from igny8.services.catalogue_rules import first_wins, model_errors
from igny8.services.locking import check_version
from igny8.services.unit_of_work import Entry, commit, refuse, unit_of_work

OBJECT_TYPE = "ai_model"


def clean_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Coerced values and per-field conversion errors; unknown names raise ValidationFailed."""
    unknown = unknown_fields(fields)
    if unknown:
        raise _failure(unknown)
    return coerce_fields(fields)


def _failure(errors: dict[str, str]) -> ValidationFailed:
    """The ValidationFailed describing `errors`."""
    summary = "; ".join(f"{field}: {message}" for field, message in errors.items())
    return ValidationFailed(f"The model was not saved. {summary}", errors)


def _model_entry(action: str, model: AIModelConfig, before: dict[str, Any]) -> Entry:
    """The history entry of a model write: field-level before -> after (read after the flush)."""
    after = audit.snapshot(model, sorted(EDITABLE_FIELDS))
    return Entry(action, OBJECT_TYPE, model.id, model.plain_label, audit.diff(before, after))


class PriceOptions:
    """What a model write says about its price version besides the columns: the long-context
    tier (None: keep the tier in force) and when the prices take effect (None: now)."""

    def __init__(self, fields: dict[str, Any]) -> None:
        given = {name: fields.pop(name) for name in price_rules.TIER_FIELDS if name in fields}
        raw_moment = fields.pop("effective_from", None)
        self.tier, self.errors = price_rules.clean(given)
        self.tier = self.tier if given else None
        self.effective_from = None
        try:
            self.effective_from = price_rules.to_moment("effective_from", raw_moment)
        except ValueError as exc:
            self.errors["effective_from"] = str(exc)

    def check(self, model: AIModelConfig) -> dict[str, str]:
        """The tier rules on the tier sent, and conversion errors."""
        return {**self.errors, **price_rules.tier_errors(model.model_type, self.tier or {})}


def _save(model: AIModelConfig, action: str, before: dict[str, Any], actor: Actor,
          options: PriceOptions | None = None) -> None:
    """Commit the model's write with its history entry and, when its prices changed, a new
    price version (services/prices.py).

    A constraint race (a row saved meanwhile) becomes ValidationFailed, a concurrent
    update of the same row ConflictError; either way nothing is written.
    """
    race = _failure({"model_name": TakenMessage(
        f"Another {model.provider} model named {model.model_name!r} (ignoring case and"
        " surrounding space) was saved at the same time; choose another name")})
    old_prices = {name: before.get(name) for name in PRICE_FIELDS}
    with unit_of_work(actor, "This model", on_integrity=race) as work:
        work.record(prices.record_model_prices(
            model, prices.parsed(old_prices), options.tier if options else None,
            options.effective_from if options else None, actor.name))
        work.record(lambda: [_model_entry(action, model, before)])


def create_model(*, actor: Actor = audit.SYSTEM, **fields: Any) -> AIModelConfig:
    """Validate and insert a catalogue model as `actor`; nothing is written when a rule fails."""
    locking.lock_catalogue_names()
    options = PriceOptions(fields)
    values, errors = clean_fields(fields)
    model = AIModelConfig(**values)
    errors = {**options.check(model), **model_errors(model), **errors}
    if errors:
        raise _failure(errors)  # never added to the session
    db.session.add(model)
    _save(model, "create", {}, actor, options)
    return model


def update_model(model: AIModelConfig, expected_version: Any = None, *,
                 actor: Actor = audit.SYSTEM, **changes: Any) -> AIModelConfig:
    """Apply `changes`, validate, commit; a stale `expected_version` or failure writes nothing.

    Deactivating a model a global slot uses raises ModelInUse (with every field error found);
    any other broken rule ValidationFailed.
    """
    locking.lock_for_model_edit(model)
    check_version(model, expected_version)
    before = audit.snapshot(model, sorted(EDITABLE_FIELDS))
    was_active = model.is_active
    options = PriceOptions(changes)
    values, errors = clean_fields(changes)
    with db.session.no_autoflush:
        changed = [field for field, value in values.items() if getattr(model, field) != value]
        for field in changed:
            setattr(model, field, values[field])
        if changed and model.origin == "seed" and "origin" not in values:
            model.origin = "manual"  # an edited seed row is the admin's: the seed keeps off it
        errors = {**options.check(model), **model_errors(model), **errors}
        guards = catalogue_guards.edit_errors(model, was_active, changed)
    first_wins(errors, guards)
    if errors:
        in_use = guards.get("is_active")
        refuse(ModelInUse(f"Cannot deactivate {model_name(model)}: {in_use}", errors) if in_use
               else _failure(errors))
    _save(model, "update", before, actor, options)
    return model


def model_problems(fields: dict[str, Any], model: AIModelConfig | None = None) -> dict[str, str]:
    """Every rule the values break, as create_model (or update_model of `model`) would refuse
    them, writing nothing; a field not given keeps the stored value (None on create)."""
    fields = dict(fields)
    options = PriceOptions(fields)
    values, errors = clean_fields(fields)
    stored = {name: getattr(model, name) for name in EDITABLE_FIELDS} if model else {}
    candidate = AIModelConfig(**{**stored, **values})
    candidate.id = model.id if model is not None else None
    with db.session.no_autoflush:
        return {**options.check(candidate), **model_errors(candidate), **errors}


def _set_active(models: Sequence[AIModelConfig], active: bool,
                actor: Actor) -> list[AIModelConfig]:
    """Flip `is_active` on the models that differ, audit each, commit once."""
    changed = [model for model in models if model.is_active != active]
    action = "activate" if active else "deactivate"
    for model in changed:
        model.is_active = active
    entries = [Entry(action, OBJECT_TYPE, model.id, model.plain_label,
                     {"is_active": [not active, active]}) for model in changed]
    commit(actor, names(changed) if changed else "The catalogue", entries)
    return changed


def deactivate_models(models: Sequence[AIModelConfig],
                      actor: Actor = audit.SYSTEM) -> list[AIModelConfig]:
    """Deactivate the models; refused (nothing written) when a global setting uses any of them."""
    locking.lock_models(model.id for model in models)
    catalogue_guards.refuse_deactivation(models)
    return _set_active(models, False, actor)


def activate_models(models: Sequence[AIModelConfig],
                    actor: Actor = audit.SYSTEM) -> list[AIModelConfig]:
    """Activate the models; refused (nothing written) when any lacks the pricing its type needs."""
    locking.lock_models(model.id for model in models)
    catalogue_guards.refuse_activation(models)
    return _set_active(models, True, actor)


def toggle_active(model: AIModelConfig, actor: Actor = audit.SYSTEM) -> AIModelConfig:
    """Activate an inactive model or deactivate an active one, with the same guards."""
    (deactivate_models if model.is_active else activate_models)([model], actor)
    return model


def delete_model(model: AIModelConfig, actor: Actor = audit.SYSTEM) -> None:
    """Delete an unused model with an audit entry; refused with ModelInUse when anything uses it."""
    locking.lock_models([model.id])
    catalogue_guards.refuse_delete(model)
    name = model_name(model)
    before = audit.snapshot(model, sorted(EDITABLE_FIELDS))
    refused = ModelInUse(f"Cannot delete {name}: another record still refers to it.")
    with unit_of_work(actor, name, on_integrity=refused) as work:
        work.record([Entry("delete", OBJECT_TYPE, model.id, model.plain_label,
                           {field: [value, None] for field, value in before.items()})])
        # A Core DELETE: the ORM would quietly set referencing FKs to NULL; the database refuses.
        db.session.execute(delete(AIModelConfig).where(AIModelConfig.id == model.id))


def match_name(models: Iterable[AIModelConfig], name: str) -> AIModelConfig | None:
    """The model called `name`, else the one with `name` among its aliases."""
    models = list(models)
    by_name = next((model for model in models if model.model_name == name), None)
    return by_name or next((model for model in models if name in (model.aliases or [])), None)


def find_by_name(provider: str, name: str, model_type: str | None = None) -> AIModelConfig | None:
    """Look a model up by provider and model name or alias, in one query."""
    query = select(AIModelConfig).where(AIModelConfig.provider == provider)
    if model_type is not None:
        query = query.where(AIModelConfig.model_type == model_type)
    return match_name(db.session.scalars(query.order_by(AIModelConfig.id)), name.strip())


def list_models(provider: str | None = None, model_type: str | None = None,
                active: bool | None = None) -> list[AIModelConfig]:
    """The catalogue by id, optionally filtered by provider, type and active flag."""
    query = select(AIModelConfig).order_by(AIModelConfig.id)
    if provider is not None:
        query = query.where(AIModelConfig.provider == provider)
    if model_type is not None:
        query = query.where(AIModelConfig.model_type == model_type)
    if active is not None:
        query = query.where(AIModelConfig.is_active.is_(active))
    return list(db.session.scalars(query))
