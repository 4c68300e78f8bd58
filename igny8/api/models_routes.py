"""/api/v1/models: list, read, create, change and delete catalogue models."""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from igny8.admin.lists import paginate, phrase_clause
from igny8.api.blueprint import api_actor, bp
from igny8.api.conditional import (
    ETAG_HEADER, IF_MATCH, IF_NONE_MATCH, check_if_match, not_modified, with_etag,
)
from igny8.api import body_rules, examples
from igny8.api.errors import ApiError
from igny8.api.pages import page_body
from igny8.api.schemas import (
    ErrorSchema,
    ModelCreateSchema,
    ModelListSchema,
    ModelQuerySchema,
    ModelSchema,
    ModelUpdateSchema,
)
from igny8.api.spec import READS, WRITES, errors, list_operation
from igny8 import caching, lifecycle
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.errors import ConflictError, PricingMessage, TakenMessage, ValidationFailed
from igny8.pricing import REQUIRED_PRICES
from igny8.services import catalogue, price_versions

TAGS = ["models"]
# The catalogue rules mark "another model of the provider holds this name or display name"
# (TakenMessage) and "an active model needs its prices" (PricingMessage) on the messages.
NAME_FIELDS = frozenset({"model_name", "display_name", "aliases"})
PRICING_FIELDS = frozenset({"is_active", *(f for fs in REQUIRED_PRICES.values() for f in fs)})
WINDOW_FIELDS = frozenset({"context_window", "max_output_tokens"})  # output within the window
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
    scheduled = price_versions.scheduled_changes() if found.items else {}
    for model in found.items:
        model.scheduled_price = scheduled.get(model.id)
    return page_body(found)


def with_schedule(model: AIModelConfig) -> AIModelConfig:
    """The model with its next scheduled price version (or None) for ModelSchema."""
    model.scheduled_price = price_versions.scheduled_of(model.id)
    return model


def get_model_or_404(model_id: int) -> AIModelConfig:
    """The model with this id, or a 404 naming it."""
    model = db.session.get(AIModelConfig, model_id)
    if model is None:
        raise ApiError(404, f"There is no AI model with id {model_id}.")
    return model


def is_state_conflict(fields: dict[str, str], stored: bool,
                      body: dict | None = None) -> bool:
    """Whether a refusal is only about other rows or the stored model, not the body itself:
    a name or alias another model holds, or (on a change) a model left active without prices,
    or prices that fit the document's rules (body_rules) but not the stored model's type, or a
    token limit beyond the stored context window (or a window below the stored limit)."""
    pricing = stored and isinstance(fields.get("is_active"), PricingMessage)
    stored_rules = stored and body is not None and body_rules.fits_document(body)
    stored_window = stored and body is not None and not WINDOW_FIELDS <= set(body)
    return bool(fields) and all(
        (name in NAME_FIELDS and isinstance(text, TakenMessage))
        or (pricing and name in PRICING_FIELDS)
        or (stored_rules and name in body_rules.RULE_FIELDS)
        or (stored_window and name in WINDOW_FIELDS)
        for name, text in fields.items())


@contextmanager
def state_conflicts_as_409(stored: bool, body: dict | None = None):
    """Refusals only about other rows or the stored model are 409 Conflict, others stay 422."""
    try:
        yield
    except ValidationFailed as exc:
        if is_state_conflict(exc.fields, stored, body):
            raise ConflictError(exc.message, exc.fields) from None
        raise


@bp.route("/models", tags=TAGS)
class Models(MethodView):
    """The model catalogue."""

    @list_operation(ModelQuerySchema, ModelListSchema, examples.MODEL_LIST)
    def get(self, args):
        """List models, filtered and paginated; the JSON page is cached per data generation."""
        key = (tuple(sorted(args.items())), lifecycle.today())  # states change at midnight
        body = LIST_PAGES.get_or_build(key, lambda: current_app.json.dumps(
            ModelListSchema().dump(models_page(args))))
        return current_app.response_class(body + "\n", mimetype="application/json")

    @bp.arguments(ModelCreateSchema, example=examples.MODEL_CREATE)
    @bp.response(201, ModelSchema, headers=ETAG_HEADER)
    @bp.alt_response(422, schema=ErrorSchema, description="A field breaks a catalogue rule")
    @errors(*WRITES, 409)
    def post(self, fields):
        """Add a model; the catalogue rules of the admin form apply."""
        with state_conflicts_as_409(stored=False):
            model = catalogue.create_model(actor=api_actor(), **fields, origin="api")
        return with_etag(with_schedule(model), model.version, 201)


@bp.route("/models/<int:model_id>", tags=TAGS)
class ModelById(MethodView):
    """One model of the catalogue."""

    @bp.doc(parameters=[IF_NONE_MATCH])
    @bp.response(200, ModelSchema, headers=ETAG_HEADER, example=examples.MODEL)
    @bp.alt_response(304, description="Unchanged since the ETag in If-None-Match",
                     headers=ETAG_HEADER)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    @errors(*READS)
    def get(self, model_id):
        """Read one model; its ETag is its version."""
        model = get_model_or_404(model_id)
        return not_modified(model.version) or with_etag(with_schedule(model), model.version)

    @bp.doc(parameters=[IF_MATCH])
    @bp.arguments(ModelUpdateSchema, example=examples.MODEL_UPDATE)
    @bp.response(200, ModelSchema, headers=ETAG_HEADER)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    @bp.alt_response(409, schema=ErrorSchema,
                     description="A global setting uses it, the name is taken, it changed "
                                 "since `version` / If-Match, or prices that fit the rules "
                                 "do not fit the stored model (its type, its tier)")
    @bp.alt_response(422, schema=ErrorSchema, description="A field breaks a catalogue rule")
    @errors(*WRITES)
    def patch(self, changes, model_id):
        """Change the fields sent; deactivating a global default is refused (409)."""
        model = get_model_or_404(model_id)
        check_if_match(model.version, model.display_name)
        version = changes.pop("version", None)
        with state_conflicts_as_409(stored=True, body=changes):
            model = catalogue.update_model(model, version, actor=api_actor(), **changes)
        return with_etag(with_schedule(model), model.version)

    @bp.doc(parameters=[IF_MATCH])
    @bp.response(204)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    @bp.alt_response(409, schema=ErrorSchema, example=examples.IN_USE,
                     description="Settings still use the model, or If-Match is stale")
    @errors(*READS, 403)
    def delete(self, model_id):
        """Delete a model nothing uses; 409 lists what uses it."""
        model = get_model_or_404(model_id)
        check_if_match(model.version, model.display_name)
        catalogue.delete_model(model, api_actor())
        return None
