"""/api/v1/models/{id}/prices: a model's price history, and adding a version to it."""
from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from igny8.api import body_rules, examples
from igny8.api.blueprint import api_actor, bp
from igny8.api.errors import ApiError
from igny8.api.price_schemas import PriceHistorySchema, PriceVersionCreateSchema, PriceVersionSchema
from igny8.api.schemas import ErrorSchema
from igny8.api.spec import READS, WRITES, errors
from igny8.errors import ConflictError, ValidationFailed
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.services import price_versions, prices
from igny8.services.costing import price_in_force

TAGS = ["prices"]


def model_exists_or_404(model_id: int) -> None:
    """404 unless the model exists; its row is not loaded, so a price version another request
    adds meanwhile is no edit conflict (add_version locks and reloads the row itself)."""
    if db.session.scalar(select(AIModelConfig.id).where(AIModelConfig.id == model_id)) is None:
        raise ApiError(404, f"There is no AI model with id {model_id}.")


def history(model_id: int) -> dict:
    """The versions, oldest first, with the ids of the one in force now and the next one."""
    now = prices.utcnow()
    in_force, scheduled = price_in_force(model_id, now), price_versions.scheduled_of(model_id, now)
    return {"items": price_versions.versions_of(model_id), "in_force_id": in_force and in_force.id,
            "scheduled_id": scheduled and scheduled.id}


@bp.route("/models/<int:model_id>/prices", tags=TAGS)
class ModelPrices(MethodView):
    """A model's price versions."""

    @bp.response(200, PriceHistorySchema, example=examples.PRICE_HISTORY)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    @errors(*READS)
    def get(self, model_id):
        """List the model's price versions, oldest first (the price in force at a time is the
        version with the latest effective_from at or before it)."""
        model_exists_or_404(model_id)
        return history(model_id)

    @bp.arguments(PriceVersionCreateSchema, example=examples.PRICE_CREATE)
    @bp.response(201, PriceVersionSchema, example=examples.PRICE_VERSION)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    @bp.alt_response(409, schema=ErrorSchema, example=examples.PRICE_TAKEN,
                     description="A version of this model already starts at effective_from, "
                                 "or the prices are of the other model type (text prices for "
                                 "an image model); nothing is written")
    @bp.alt_response(422, schema=ErrorSchema, example=examples.PRICE_INVALID,
                     description="A price is invalid or missing for every type, or the tier is "
                                 "incomplete; nothing is written")
    @errors(*WRITES)
    def post(self, values, model_id):
        """Add a price version, effective now or at effective_from (a future time schedules
        a change); the model's prices become the version in force now."""
        model_exists_or_404(model_id)
        effective_from = values.pop("effective_from", None)
        try:
            return prices.add_version(model_id, values, api_actor(), effective_from), 201
        except ValidationFailed as exc:
            if body_rules.only_price_rules(exc.fields) and \
                    body_rules.fits_document(values, required=True):
                raise ConflictError(exc.message, exc.fields) from None  # the stored type's
            raise
