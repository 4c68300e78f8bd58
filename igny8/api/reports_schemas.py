"""Schemas of the read side of the usage ledger: GET /usage (records) and GET /costs (sums)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from igny8.api.schemas import Text, UtcDateTime
from igny8.pricing import decimal_text
from igny8.services.numbers import MAX_ID
from igny8.services.usage_filters import CURSOR_PATTERN
from igny8.services.usage_reports import DEFAULT_PAGE_SIZE, GROUPINGS, MAX_PAGE_SIZE

MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2,12}$"
RANGE = ("`start` and `end` are UTC dates (YYYY-MM-DD, the whole day, both inclusive) or ISO "
         "8601 times (naive ones are UTC); by default the last 30 days up to today; at most "
         "366 days.")
ID = validate.Range(min=1, max=MAX_ID)  # beyond BIGINT no row can have the id
CURSOR_MESSAGE = "Not a cursor from this report: follow its next link."
SENT = validate.Length(min=1)  # leave a date out for its default rather than send it empty
DAY_OR_TIME = {"anyOf": [{"format": "date"}, {"format": "date-time"}]}


class Money(fields.Decimal):
    """An amount in dollars as a decimal string ("0.000123"), exact to the pico-dollar."""

    def __init__(self, **kwargs) -> None:
        super().__init__(as_string=True, metadata={"pattern": MONEY_PATTERN, "example": "1.25"},
                         **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        """Without trailing zeros beyond the cents."""
        return None if value is None else decimal_text(value)


class ScopeQuerySchema(ma.Schema):
    """The filters both reports share."""

    account_id = fields.Integer(validate=ID, metadata={"description": "Only this account's usage"})
    model_id = fields.Integer(validate=ID, metadata={"description": "Only this AI model's usage"})
    start = Text(validate=SENT, metadata={
        "description": "First day or time (inclusive). " + RANGE, "example": "2026-11-01",
        **DAY_OR_TIME})
    end = Text(validate=SENT, metadata={
        "description": "Last day or time (inclusive)", "example": "2026-11-30", **DAY_OR_TIME})


class UsageQuerySchema(ScopeQuerySchema):
    """Filters and page of GET /usage; unknown parameters are refused."""

    after = Text(validate=validate.Regexp(CURSOR_PATTERN, error=CURSOR_MESSAGE), metadata={
        "description": "The `next_after` of the previous page (newest first): where it ended, "
                       "as microseconds since 1970-01-01 UTC and the record id",
        "example": "1764588000000000-1234"})
    limit = fields.Integer(load_default=DEFAULT_PAGE_SIZE,
                           validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class CostQuerySchema(ScopeQuerySchema):
    """Grouping and filters of GET /costs; unknown parameters are refused."""

    group_by = fields.String(load_default="model", validate=validate.OneOf(GROUPINGS))
    start = Text(validate=SENT, metadata={
        "description": "First UTC day (inclusive), YYYY-MM-DD; costs are summed per UTC day. "
                       "By default 29 days before `end`", "example": "2026-11-01",
        "format": "date"})
    end = Text(validate=SENT, metadata={
        "description": "Last UTC day (inclusive); by default today; at most 366 days after "
                       "`start`", "example": "2026-11-30", "format": "date"})


class LedgerRecordSchema(ma.Schema):
    """One usage record with the cost computed at ingest and the price version it used."""

    id = fields.Integer(required=True)
    request_id = fields.String(required=True)
    account_id = fields.Integer(required=True)
    account_name = fields.String(required=True)
    model_id = fields.Integer(required=True)
    model_name = fields.String(required=True, metadata={
        "description": "Display name (model_name)"})
    slot = fields.String(required=True, allow_none=True)
    occurred_at = UtcDateTime(required=True)
    input_tokens = fields.Integer(required=True, metadata={"description": "Every prompt token"})
    cached_input_tokens = fields.Integer(required=True)
    output_tokens = fields.Integer(required=True)
    images = fields.Integer(required=True)
    cost = Money(required=True)
    price_version_id = fields.Integer(required=True)


class UsagePageSchema(ma.Schema):
    """One page of usage records, newest first."""

    items = fields.List(fields.Nested(LedgerRecordSchema), required=True)
    limit = fields.Integer(required=True)
    next_after = fields.String(required=True, allow_none=True, metadata={
        "description": "Send as `after` for the next page; null on the last page"})


class SumsSchema(ma.Schema):
    """Summed counts and cost."""

    records = fields.Integer(required=True)
    input_tokens = fields.Integer(required=True)
    cached_input_tokens = fields.Integer(required=True)
    output_tokens = fields.Integer(required=True)
    images = fields.Integer(required=True)
    cost = Money(required=True)


class CostRowSchema(SumsSchema):
    """One group: `model_id` + `name`, `account_id` + `name`, or `day`, by `group_by`."""

    model_id = fields.Integer()
    account_id = fields.Integer()
    day = fields.Date()
    name = fields.String()


class CostReportSchema(ma.Schema):
    """The cost of the usage the filters select, grouped, from the daily rollups."""

    group_by = fields.String(required=True, validate=validate.OneOf(GROUPINGS))
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    account_id = fields.Integer(required=True, allow_none=True)
    model_id = fields.Integer(required=True, allow_none=True)
    rows = fields.List(fields.Nested(CostRowSchema), required=True, metadata={
        "description": "By cost, highest first (by day: every day of the range in order)"})
    totals = fields.Nested(SumsSchema, required=True)
