"""POST /api/v1/models/{id}/replace: preview (dry run) or apply "replace X with Y everywhere"."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from igny8.api.blueprint import api_actor, bp
from igny8.api.models_routes import TAGS, get_model_or_404
from igny8.api.schemas import ErrorSchema, StrictInteger
from igny8.api.spec import WRITES, errors
from igny8.services import replacement
from igny8.services.numbers import MAX_ID


class ReplaceRequestSchema(ma.Schema):
    """Which model takes the place of this one; a dry run returns the preview and its token."""

    target_id = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_ID),
                              metadata={"description": "The replacement model"})
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "Only preview: nothing is written; the answer carries the token"})
    token = fields.String(load_default="", metadata={
        "description": "The preview's token; applying refuses (409) when the places changed"})
    deactivate = fields.Boolean(load_default=False, metadata={
        "description": "Deactivate this model once its places have moved"})


class PlaceSchema(ma.Schema):
    """A slot using the model: the global settings' (account_id null) or an account's."""

    slot = fields.String(required=True)
    account_id = fields.Integer(required=True, allow_none=True)
    account_name = fields.String(required=True)
    reason = fields.String(required=True, metadata={"description": "Why it cannot move"})


class ReplaceResultSchema(ma.Schema):
    """The preview, or what was applied."""

    source_id = fields.Integer(required=True)
    target_id = fields.Integer(required=True)
    applied = fields.Boolean(required=True)
    token = fields.String(required=True)
    moves = fields.List(fields.Nested(PlaceSchema), required=True)
    blocked = fields.List(fields.Nested(PlaceSchema), required=True)


REQUEST_EXAMPLE = {"target_id": 2, "dry_run": True}
RESULT_EXAMPLE = {
    "source_id": 7, "target_id": 24, "applied": False, "token": "3f0c2a9d8e1b4c5a6d7e8f9a0b1c2d3e",
    "moves": [{"slot": "dalle_model", "account_id": None, "account_name": "", "reason": ""}],
    "blocked": [{"slot": "runware_model", "account_id": 3, "account_name": "Northwind Media",
                 "reason": "gpt-image-1 is an openai image model, not runware image"}],
}


def _result(plan: replacement.Plan, applied: bool) -> dict:
    """The answer's body."""
    return {"source_id": plan.source.id, "target_id": plan.target.id, "applied": applied,
            "token": plan.token, "moves": plan.moves, "blocked": plan.blocked}


@bp.route("/models/<int:model_id>/replace", tags=TAGS)
class ModelReplace(MethodView):
    """Move every global slot and account override from this model to another."""

    @bp.arguments(ReplaceRequestSchema, example=REQUEST_EXAMPLE)
    @bp.response(200, ReplaceResultSchema, example=RESULT_EXAMPLE)
    @bp.alt_response(404, schema=ErrorSchema, description="No model has this id")
    @bp.alt_response(409, schema=ErrorSchema,
                     description="The places changed since the preview, or a global slot"
                                 " cannot move and deactivate was asked")
    @bp.alt_response(422, schema=ErrorSchema, description="Unknown or same target model")
    @errors(*WRITES)
    def post(self, body, model_id):
        """Preview with `dry_run`, then apply with the preview's `token` (write scope)."""
        source = get_model_or_404(model_id)
        if body["dry_run"]:
            return _result(replacement.plan_replacement(source.id, body["target_id"]), False)
        plan = replacement.apply_replacement(source.id, body["target_id"], body["token"],
                                             body["deactivate"], actor=api_actor())
        return _result(plan, True)
