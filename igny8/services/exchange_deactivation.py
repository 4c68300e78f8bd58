"""Deactivating, from an import's preview, models the file lacks: an import never deletes a
model, but the "Only in the catalogue" rows that nothing uses can be deactivated in bulk.

All or nothing, in one audited transaction: the models are locked FOR UPDATE first (settings
writers lock the models they choose FOR SHARE, so no slot or override can start pointing at
one between the check and the commit), then the file is classified again and the where-used
guard (catalogue_guards.refuse_used) refuses every model a global slot or an account uses.
"""
from __future__ import annotations

from collections.abc import Iterable

from igny8.errors import ModelInUse, ValidationFailed
from igny8.models.catalogue import AIModelConfig
from igny8.services import catalogue, catalogue_guards, exchange, locking
from igny8.services.audit import Actor
from igny8.services.exchange_records import Incoming
from igny8.services.unit_of_work import refuse

FIELD = "deactivate"


def _ids(values: Iterable[object]) -> list[int]:
    """The model ids ticked; a value that is not one is refused naming the field."""
    try:
        ids = sorted({int(str(value)) for value in values})
    except ValueError:
        raise ValidationFailed("Nothing was deactivated: the ticked models are not model ids.",
                               {FIELD: "not model ids"}) from None
    if not ids:
        raise ValidationFailed("Nothing was deactivated: tick the models to deactivate first.",
                               {FIELD: "none ticked"})
    return ids


def _refuse_outside(ids: list[int], locked: dict[int, AIModelConfig],
                    items: Iterable[Incoming]) -> None:
    """Refuse ids that are not Only in the catalogue for this file (or no longer exist)."""
    only = {row.model_id for row in exchange.preview(items).rows if row.status == exchange.ONLY}
    outside = [model_id for model_id in ids if model_id not in only or model_id not in locked]
    if outside:
        named = ", ".join(catalogue_guards.model_name(locked[i]) if i in locked else f"id {i}"
                          for i in outside)
        refuse(ValidationFailed(
            f"Nothing was deactivated: {named} not only in the catalogue (the file lists it, or"
            " it no longer exists); only models the file lacks can be deactivated here.",
            {FIELD: f"not only in the catalogue: {named}"}))


def deactivate_missing(items: Iterable[Incoming], model_ids: Iterable[object],
                       actor: Actor) -> list[AIModelConfig]:
    """Deactivate the ticked models the file lacks, when nothing uses any of them; the models
    deactivated (those already inactive are left as they are)."""
    ids = _ids(model_ids)
    locked = locking.lock_models(ids)
    _refuse_outside(ids, locked, items)
    models = [locked[model_id] for model_id in ids]
    try:
        catalogue_guards.refuse_used(models)
    except ModelInUse as exc:
        refuse(exc)  # nothing is written
    return catalogue.deactivate_models(models, actor)
