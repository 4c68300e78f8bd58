"""GET /api/v1/cost/projection: what a source model's usage would have cost on a target model."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from igny8.api.blueprint import bp
from igny8.api.examples import error
from igny8.api.schemas import ErrorSchema
from igny8.api.spec import READS, errors
from igny8.pricing import decimal_text
from igny8.services import projection
from igny8.services.numbers import MAX_ID

TAGS = ["costs"]
MONEY = {"description": "USD, an exact decimal string"}
ID = validate.Range(min=1, max=MAX_ID)  # beyond BIGINT no row can have the id


class ProjectedMoney(fields.Decimal):
    """An exact USD amount as a decimal string with at least two places."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("metadata", MONEY)
        super().__init__(as_string=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        """`0.007720000000` -> "0.00772", `3` -> "3.00"."""
        return None if value is None else decimal_text(value)


class ProjectionQuerySchema(ma.Schema):
    """The source and target models and the period of UTC days (both included)."""

    from_model = fields.Integer(required=True, validate=ID, metadata={
        "description": "The source model"})
    to_model = fields.Integer(required=True, validate=ID, metadata={
        "description": "The target model, of the source's type"})
    start = fields.Date(required=True, metadata={"description": "First UTC day, e.g. 2026-09-02"})
    end = fields.Date(required=True, metadata={
        "description": f"Last UTC day (included); at most {projection.MAX_DAYS} days"})
    account = fields.Integer(validate=ID, metadata={"description": "Only this account's usage"})


class FiguresSchema(ma.Schema):
    """Actual vs projected cost of some usage."""

    records = fields.Integer(required=True, metadata={"description": "Records compared"})
    actual = ProjectedMoney(required=True)
    projected = ProjectedMoney(required=True)
    difference = ProjectedMoney(required=True, metadata={
        "description": "USD, projected - actual: positive when the target costs more"})
    difference_percent = ProjectedMoney(required=True, allow_none=True, metadata={
        "description": "The difference in % of actual, two places; null when actual is 0"})


class AccountFiguresSchema(FiguresSchema):
    """One account's figures."""

    account_id = fields.Integer(required=True)
    account_name = fields.String(required=True)


class PeriodSchema(ma.Schema):
    """The UTC days compared."""

    start = fields.Date(required=True)
    end = fields.Date(required=True)


class UncoveredSchema(ma.Schema):
    """Usage at times the target had no price for: left out of the figures."""

    records = fields.Integer(required=True)
    actual = ProjectedMoney(required=True)
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)


class ProjectionSchema(FiguresSchema):
    """The source's usage over the period at the target's prices in force at each record."""

    from_model = fields.Integer(attribute="source.id", required=True)
    to_model = fields.Integer(attribute="target.id", required=True)
    period = fields.Nested(PeriodSchema, required=True)
    accounts = fields.List(fields.Nested(AccountFiguresSchema), required=True)
    uncovered = fields.Nested(UncoveredSchema, required=True, allow_none=True)


PROJECTION_EXAMPLE = {
    "from_model": 1, "to_model": 2, "period": {"start": "2026-09-02", "end": "2026-11-30"},
    "records": 3, "actual": "0.00772", "projected": "0.02384",
    "difference": "0.01612", "difference_percent": "208.81",
    "accounts": [{"account_id": 1, "account_name": "Acme Publishing", "records": 3,
                  "actual": "0.00772", "projected": "0.02384",
                  "difference": "0.01612", "difference_percent": "208.81"}],
    "uncovered": None,
}
CROSS_TYPE = error("validation_failed",
                   "to_model: dall-e-3 is an image model and gpt-4o-mini a text model: a "
                   "projection compares models of one type.",
                   {"to_model": "dall-e-3 is an image model and gpt-4o-mini a text model: a "
                                "projection compares models of one type"})


@bp.route("/cost/projection", tags=TAGS)
class CostProjection(MethodView):
    """What would it cost if we switch?"""

    @bp.arguments(ProjectionQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, ProjectionSchema, example=PROJECTION_EXAMPLE)
    @bp.alt_response(422, schema=ErrorSchema, example=CROSS_TYPE,
                     description="A parameter is missing or invalid, a model or the account is"
                                 " unknown, the models differ in type, or the end is before"
                                 " the start")
    @errors(*READS)
    def get(self, args):
        """The source model's usage in the period (optionally one account's), its actual cost
        and its cost at the target's prices in force at each record's time (read scope)."""
        return projection.project(args["from_model"], args["to_model"], args["start"],
                                  args["end"], account_id=args.get("account"))
