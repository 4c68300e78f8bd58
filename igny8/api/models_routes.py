"""/api/v1/models: list, read, create, change and delete catalogue models."""
from __future__ import annotations

import math

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from igny8.admin.lists import paginate, phrase_clause
from igny8.api.blueprint import api_actor, bp
from igny8.api.errors import ApiError
from igny8.api.schemas import (
    ErrorSchema,
    ModelCreateSchema,
    ModelListSchema,
    ModelQuerySchema,
    ModelSchema,
    ModelUpdateSchema,
)
from igny8 import caching
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.services import catalogue

TAGS = ["models"]
# Serialised list pages per query and data generation: a warm request runs the key lookup and
# the generation read.
LIST_PAGES = caching.region("api_models_list", 64)


def filtered_models(args: dict):
    """The SELECT of models matching the query filters, ordered by provider and name."""
    query = select(AIModelConfig)
    for name in ("provider", "model_type"):
        if args.get(name):
            query = query.where(getattr(AIModelConfig, name) == args[name])
    if args.get("is_active") is not None:
        query = query.where(AIModelConfig.is_active.is_(args["is_active"]))
    search = phrase_clause((AIModelConfig.model_name, AIModelConfig.display_name,
                            AIModelConfig.aliases), args.get("q") or "")
    if search is not None:
        query = query.where(search)
    return query.order_by(AIModelConfig.provider, AIModelConfig.model_name, AIModelConfig.id)


def models_page(args: dict) -> dict:
    """One page of models matching the filters (two queries whatever the page size).

    Not clamped: an API client asking past the last page gets an empty page, not another one.
    """
    found = paginate(filtered_models(args), args["page"], args["per_page"], clamp=False)
    return {"items": found.items, "total": found.total, "page": found.page,
            "per_page": found.per_page, "pages": math.ceil(found.total / found.per_page)}


def get_model_or_404(model_id: int) -> AIModelConfig:
    """The model with this id, or a 404 naming it."""
    model = db.session.get(AIModelConfig, model_id)
    if model is None:
        raise ApiError(404, f"There is no AI model with id {model_id}.")
    return model


@bp.route("/models", tags=TAGS)
class Models(MethodView):
    """The model catalogue."""

    @bp.arguments(ModelQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, ModelListSchema)
    @bp.alt_response(422, schema=ErrorSchema, description="A query parameter is invalid")
    def get(self, args):
        """List models, filtered and paginated; the JSON page is cached per data generation."""
        key = tuple(sorted(args.items()))
        body = LIST_PAGES.get_or_build(key, lambda: current_app.json.dumps(
            ModelListSchema().dump(models_page(args))))
        return current_app.response_class(body + "\n", mimetype="application/json")

    @bp.arguments(ModelCreateSchema)
    @bp.response(201, ModelSchema)
    @bp.alt_response(422, schema=ErrorSchema, description="A field breaks a catalogue rule")
    def post(self, fields):
        """Add a model; the catalogue rules of the admin form apply."""
        return catalogue.create_model(actor=api_actor(), **fields, origin="api")


@bp.route("/models/<int:model_id>", tags=TAGS)
class ModelById(MethodView):
    """One model of the catalogue."""

    @bp.response(200, ModelSchema)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    def get(self, model_id):
        """Read one model."""
        return get_model_or_404(model_id)

    @bp.arguments(ModelUpdateSchema)
    @bp.response(200, ModelSchema)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    @bp.alt_response(409, schema=ErrorSchema,
                     description="A global setting uses it, or it changed since `version`")
    @bp.alt_response(422, schema=ErrorSchema, description="A field breaks a catalogue rule")
    def patch(self, changes, model_id):
        """Change the fields sent; deactivating a global default is refused (409)."""
        model = get_model_or_404(model_id)
        version = changes.pop("version", None)
        return catalogue.update_model(model, version, actor=api_actor(), **changes)

    @bp.response(204)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    @bp.alt_response(409, schema=ErrorSchema, description="Settings still use the model")
    def delete(self, model_id):
        """Delete a model nothing uses; 409 lists what uses it."""
        catalogue.delete_model(get_model_or_404(model_id), api_actor())
        return None
