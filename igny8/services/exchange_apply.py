"""An import's apply: the preview taken again under the catalogue's locks, then the rows chosen
written in one audited unit of work (a price version for changed prices, successors linked)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.pricing import PRICE_FIELDS
from igny8.services import audit, exchange_successors, locking, prices
from igny8.services.audit import Actor
from igny8.services.catalogue import OBJECT_TYPE
from igny8.services.catalogue_input import EDITABLE_FIELDS
from igny8.services.exchange import CHANGED, NEW, Preview, PreviewRow, preview
from igny8.services.exchange_records import Incoming
from igny8.services.unit_of_work import Entry, unit_of_work

ACTION = "import"


@dataclass
class ApplyReport:
    """What an import wrote."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)  # successor new in the file, not applied


def apply(items: Iterable[Incoming], chosen: Callable[[PreviewRow], bool],
          actor: Actor) -> tuple[Preview, ApplyReport]:
    """Lock the catalogue's names and models, classify `items` against what is committed now,
    and write the New and Changed rows `chosen` accepts in ONE unit of work, each audited."""
    locking.lock_for_seed()  # no create, edit or slot change slips between check and write
    result = preview(items)
    report, writes, written = ApplyReport(), [], {}
    by_id = {model.id: model for model in db.session.scalars(select(AIModelConfig).where(
        AIModelConfig.id.in_([row.model_id for row in result.rows if row.model_id])))}
    for row in result.rows:
        if not (row.applicable and chosen(row)):
            continue
        model = by_id.get(row.model_id) if row.status == CHANGED else AIModelConfig()
        before = audit.snapshot(model, sorted(EDITABLE_FIELDS)) if row.status == CHANGED else {}
        values = dict(row.values)
        if row.status == CHANGED and model.origin == "seed" and "origin" not in values:
            values["origin"] = "import"  # the seed keeps off a row an import brought up to date
        for name, value in values.items():
            setattr(model, name, value)
        if row.status == NEW:
            db.session.add(model)
        (report.updated if row.status == CHANGED else report.created).append(row.key)
        writes.append((model, before, row.tier or None))
        written[row.key] = model
    race = ValidationFailed("The import was not applied: a model with one of these names was"
                            " saved at the same time; preview again", {"file": "conflict"})
    with unit_of_work(actor, "The catalogue", on_integrity=race) as work:
        db.session.flush()  # new models get their ids: successors new in the file link to them
        report.unlinked = exchange_successors.link(written, result.rows)
        for model, before, tier in writes:  # changed prices (or tier): a version from now
            work.record(prices.record_model_prices(
                model, prices.parsed({f: before.get(f) for f in PRICE_FIELDS}),
                tier, None, actor.name))
        work.record(lambda: [
            Entry(ACTION, OBJECT_TYPE, model.id, model.label,
                  audit.diff(before, audit.snapshot(model, sorted(EDITABLE_FIELDS))))
            for model, before, _ in writes])
    return result, report
