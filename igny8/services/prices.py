"""Price history: a model's price versions over time, and its price columns kept equal to the
version in force now.

The documented choice: AIModelConfig's price columns stay as the price in force NOW (every list,
label, dropdown and API read keeps reading them). Every write that adds or corrects a version,
and every model write that changes prices, sets them from the version in force now inside the
same unit of work, after locking the model row (services/locking.py). A version dated in the
future is a scheduled change: services/price_schedule.py moves the columns when it falls due.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from igny8.errors import ConflictError, ValidationFailed
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.pricing import PRICE_FIELDS
from igny8.services import audit, locking, price_rules
from igny8.services.audit import Actor
from igny8.services.costing import as_utc, price_in_force
from igny8.services.price_rules import TIER_FIELDS, VERSION_PRICE_FIELDS
from igny8.services.unit_of_work import Entry, refuse, unit_of_work

OBJECT_TYPE = "ai_model_prices"  # a model's price history, by model id
ADD, CORRECT = "price_version", "price_correction"
FIRST_PRICES = ("a model with no price in force cannot schedule its first prices; leave it "
                "empty (now) or date it in the past")


def utcnow() -> datetime:
    """The one clock of price versions (UTC)."""
    return datetime.now(timezone.utc)


def prices_of(version: Any) -> dict[str, Any]:
    """The version's price and tier values (also of a model: its columns, no tier)."""
    return {field: getattr(version, field, None) for field in VERSION_PRICE_FIELDS}


def parsed(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Prices from a history snapshot (decimal text) back to Decimals."""
    return {field: None if value is None else Decimal(str(value))
            for field, value in snapshot.items()}


def version_repr(version: ModelPriceVersion) -> str:
    """`from 2027-01-01T00:00:00+00:00` for messages and history."""
    return f"from {as_utc(version.effective_from).isoformat()}"


def sync_columns(model: AIModelConfig, now: datetime | None = None,
                 fallback: dict[str, Any] | None = None) -> dict[str, list[Any]]:
    """Set the model's price columns to the version in force now (to `fallback` while none
    is, when given); {field: [before, after]}."""
    version = price_in_force(model.id, now or utcnow())
    if version is None and fallback is None:
        return {}
    changes = {}
    for field in PRICE_FIELDS:
        before = getattr(model, field)
        after = fallback.get(field) if version is None else getattr(version, field)
        if before != after:
            changes[field] = [audit.json_safe(before), audit.json_safe(after)]
            setattr(model, field, after)
    return changes


def _failure(errors: dict[str, str],
             what: str = "The price version was not saved.") -> ValidationFailed:
    """The ValidationFailed naming every field at fault."""
    summary = "; ".join(f"{field}: {message}" for field, message in errors.items())
    return ValidationFailed(f"{what} {summary}", errors)


def _locked_model(model_id: int) -> AIModelConfig:
    """The model row, locked FOR UPDATE and reloaded; ValidationFailed when it does not exist."""
    model = locking.lock_models([model_id]).get(model_id)
    if model is None:
        refuse(ValidationFailed(f"There is no AI model with id {model_id}.",
                                {"model_id": "unknown"}))
    return model


def _taken(model: AIModelConfig, moment: datetime) -> ConflictError:
    """The refusal of a second version starting at the same moment."""
    return ConflictError(
        f"{model.display_name} ({model.model_name}) already has a price version starting at "
        f"{moment.isoformat()}; correct that version or choose another time",
        {"effective_from": "taken"})


def _entry(action: str, model: AIModelConfig, version: ModelPriceVersion,
           changes: dict[str, list[Any]]) -> Entry:
    """The model's history entry for a version added or corrected."""
    return Entry(action, OBJECT_TYPE, model.id,
                 f"{model.display_name} ({model.model_name}) prices {version_repr(version)}",
                 changes)


def _stage(model: AIModelConfig, values: dict[str, Any], moment: datetime,
           created_by: str) -> ModelPriceVersion:
    """Add the version to the session (not committed); refused when one starts at `moment`."""
    existing = db.session.scalars(select(ModelPriceVersion.id).where(
        ModelPriceVersion.model_id == model.id,
        ModelPriceVersion.effective_from == moment)).first()
    if existing is not None:
        refuse(_taken(model, moment))
    version = ModelPriceVersion(model_id=model.id, effective_from=moment, created_by=created_by,
                                **values)
    db.session.add(version)
    return version


def _added(version: ModelPriceVersion, columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The history changes of a new version: its values, and the model's columns it moved."""
    values = {field: [None, audit.json_safe(getattr(version, field))]
              for field in (*VERSION_PRICE_FIELDS, "source", "checked_on")
              if getattr(version, field) not in (None, "")}
    moved = {f"in force: {field}": change for field, change in columns.items()}
    return {"effective_from": [None, as_utc(version.effective_from).isoformat()],
            **values, **moved}


def add_version(model_id: int, values: dict[str, Any], actor: Actor,
                effective_from: Any = None) -> ModelPriceVersion:
    """Add a version of the model's prices from `effective_from` (default now; a future time
    schedules a change); the columns then hold the version in force now. Nothing is written
    when a rule fails."""
    model = _locked_model(model_id)
    cleaned, errors = price_rules.clean(values)
    try:
        moment = price_rules.to_moment("effective_from", effective_from) or utcnow()
    except ValueError as exc:
        errors["effective_from"] = str(exc)
    errors = {**price_rules.version_errors(model.model_type, cleaned), **errors}
    if errors:
        refuse(_failure(errors))
    with unit_of_work(actor, model.display_name, on_integrity=_taken(model, moment)) as work:
        version = _stage(model, cleaned, moment, actor.name)
        model.updated_at = utcnow()  # a new version (and ETag): its pricing changed
        columns = sync_columns(model)
        work.record(lambda: [_entry(ADD, model, version, _added(version, columns))])
    return version


def correct_version(version_id: int, values: dict[str, Any], actor: Actor) -> ModelPriceVersion:
    """Correct a version's prices (and source, checked-on) in place, audited before -> after;
    the model's columns follow when it is the version in force now."""
    model_id = db.session.scalar(
        select(ModelPriceVersion.model_id).where(ModelPriceVersion.id == version_id))
    if model_id is None:
        refuse(ValidationFailed(f"There is no price version with id {version_id}.",
                                {"version_id": "unknown"}))
    model = _locked_model(model_id)
    version = db.session.get(ModelPriceVersion, version_id, populate_existing=True)
    cleaned, errors = price_rules.clean(values)
    merged = {**prices_of(version), **cleaned}
    errors = {**price_rules.version_errors(model.model_type, merged), **errors}
    if errors:
        refuse(_failure(errors, "The correction was not saved."))
    before = audit.snapshot(version, price_rules.VERSION_FIELDS)
    with unit_of_work(actor, model.display_name) as work:
        model.updated_at = utcnow()
        for field, value in cleaned.items():
            setattr(version, field, value)
        columns = sync_columns(model)
        changes = audit.diff(before, audit.snapshot(version, price_rules.VERSION_FIELDS))
        changes.update({f"in force: {field}": change for field, change in columns.items()})
        work.record([_entry(CORRECT, model, version, changes)])
    return version


def _baseline(model: AIModelConfig, before: dict[str, Any], now: datetime,
              created_by: str) -> list[Entry]:
    """Before a model's first version is scheduled: its current prices as a version from now,
    so that the columns keep them until the scheduled one falls due."""
    if price_in_force(model.id, now) is not None or all(v is None for v in before.values()):
        return []
    version = _stage(model, {**before, "source": model.price_source or "",
                             "checked_on": model.price_checked_on}, now, created_by)
    return [_entry(ADD, model, version, _added(version, {}))]


def record_model_prices(model: AIModelConfig, before: dict[str, Any], tier: dict[str, Any] | None,
                        effective_from: datetime | None, created_by: str) -> list[Entry]:
    """Inside a model write's unit of work, after its columns were set (`before`: the prices
    they held): a version of the prices the write set, effective now or at `effective_from`,
    unless they equal the version in force then; the columns then hold the version in force
    now (a future date leaves them as they were). Its history entries."""
    now = utcnow()
    moment = effective_from or now
    touch = model.id is not None and not db.session.is_modified(model)
    if model.id is None:
        db.session.flush()  # a new model needs its id
    current = price_in_force(model.id, moment)
    wanted = {**prices_of(model), **{f: getattr(current, f, None) for f in TIER_FIELDS},
              **(tier or {})}
    # Unchanged: what was in force then (before any version: the columns as they were).
    reference = prices_of(current) if current is not None else {**prices_of(None), **before}
    if wanted == reference:
        sync_columns(model, now)
        return []
    if moment > now and all(v is None for v in before.values()) \
            and price_in_force(model.id, now) is None:
        raise _failure({"effective_from": FIRST_PRICES}, "The model was not saved.")
    entries = _baseline(model, before, now, created_by) if moment > now else []
    info = {"source": model.price_source or "", "checked_on": model.price_checked_on}
    version = _stage(model, {**wanted, **info}, moment, created_by)
    if touch:  # only the tier or a schedule changed: a new model version (ETag) all the same
        model.updated_at = now
    columns = sync_columns(model, now, fallback=before)
    if effective_from is None and all(wanted[f] == getattr(model, f) for f in PRICE_FIELDS) \
            and (current is None or tier_of(current) == tier_of(version)):
        return entries  # the model's own entry shows these prices, before -> after
    return [*entries, _entry(ADD, model, version, _added(version, columns))]


def tier_of(version: Any) -> dict[str, Any] | None:
    """The version's long-context tier values; None without a version or a tier."""
    tier = {field: getattr(version, field, None) for field in TIER_FIELDS}
    return tier if tier["tier_threshold_tokens"] is not None else None


def model_tier_errors(model_type: str, tier: dict[str, Any]) -> dict[str, str]:
    """The tier rules on the tier values a model form or PATCH sends."""
    return price_rules.tier_errors(model_type, tier)
