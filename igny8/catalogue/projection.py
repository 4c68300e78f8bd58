"""The model page's "Last 30 days if the platform had used this model" section: every other
model of its type with usage in the last 30 days, projected to this model's prices."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from igny8 import lifecycle
from igny8.catalogue.routes import bp
from igny8.models import AIModelConfig
from igny8.services import projection
from igny8.services.projection_figures import Projection

DAYS = 30


@dataclass(frozen=True)
class ModelPageProjection:
    """The period and one projection per source model (most expensive first)."""

    start: date
    end: date
    rows: list[Projection]


def last_30_days_projection(model: AIModelConfig) -> ModelPageProjection:
    """The section's figures, in a constant number of queries whatever the usage."""
    start, end = projection.last_days(DAYS, lifecycle.today())
    return ModelPageProjection(start, end, projection.project_sources(model.id, start, end))


@bp.context_processor
def projection_context() -> dict:
    """`model_projection(model)` for templates/catalogue/_projection.html."""
    return {"model_projection": last_30_days_projection}
