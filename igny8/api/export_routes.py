"""GET /api/v1/models/export: the catalogue (filtered as the list is) as a file, read scope."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from marshmallow import fields, validate

from igny8.api.blueprint import bp
from igny8.api.models_routes import TAGS, filtered_models
from igny8.api.schemas import ErrorSchema, Text
from igny8.api.spec import READS, errors
from igny8.extensions import db
from igny8.models.catalogue import MODEL_TYPES
from igny8.services.exchange_export import EXPORT_FORMATS, export

EXAMPLE = {"format": "igny8-catalogue", "version": 1, "exported_at": "2026-12-01T21:00:00+00:00",
           "models": [{"id": 1, "provider": "openai", "model_type": "text",
                       "model_name": "gpt-4o-mini", "display_name": "GPT-4o Mini",
                       "is_active": True, "input_price_per_1m": "0.15",
                       "cached_input_price_per_1m": "0.075", "output_price_per_1m": "0.60",
                       "price_per_image": None, "context_window": 128000,
                       "max_output_tokens": 16384, "aliases": [],
                       "deprecation_date": "2027-01-14", "notes": "", "origin": "seed",
                       "price_source": "", "price_checked_on": "2026-11-25", "version": 1,
                       "created_at": "2026-11-25T13:24:39+00:00",
                       "updated_at": "2026-11-25T13:24:39+00:00"}]}
FILE_CONTENT = {
    "application/json": {"schema": {"type": "object"}, "example": EXAMPLE},
    "text/csv": {"schema": {"type": "string", "format": "binary"}},
}


class ExportQuerySchema(ma.Schema):
    """The format and the filters of GET /models/export; unknown parameters are refused."""

    format = fields.String(load_default="json", validate=validate.OneOf(EXPORT_FORMATS),
                           metadata={"description": "json (igny8, lossless), csv, or litellm"
                                                    " (LiteLLM's cost map, USD per token)"})
    provider = Text(metadata={"description": "e.g. openai"})
    model_type = fields.String(validate=validate.OneOf(list(MODEL_TYPES)))
    is_active = fields.Boolean()
    q = Text(validate=validate.Length(max=100),
             metadata={"description": "Substring of model name, display name or an alias"})


@bp.route("/models/export", methods=["GET"], tags=TAGS)
@bp.arguments(ExportQuerySchema, location="query", unknown=ma.RAISE)
@bp.doc(responses={200: {"description": "The models matching the filters, as a file",
                         "content": FILE_CONTENT}})
@bp.alt_response(422, schema=ErrorSchema, description="A query parameter is invalid")
@errors(*READS)
def export_models(args):
    """Every model matching the filters in igny8 JSON, CSV or LiteLLM's cost-map format."""
    exported = export(db.session.scalars(filtered_models(args)), args["format"])
    return current_app.response_class(
        exported.text, mimetype=exported.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'})
