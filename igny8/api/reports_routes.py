"""GET /api/v1/usage (the ledger's records) and GET /api/v1/costs (sums from the rollups).

Only GET is defined here; POST /api/v1/usage (ingest) lives in its own module.
"""
from __future__ import annotations

from dataclasses import asdict

import marshmallow as ma

from igny8.api import examples
from igny8.api.blueprint import bp
from igny8.api.reports_schemas import (
    CostQuerySchema, CostReportSchema, UsagePageSchema, UsageQuerySchema,
)
from igny8.api.schemas import ErrorSchema
from igny8.api.spec import READS, errors
from igny8.services import usage_reports
from igny8.services.usage_filters import FILTERS

TAGS = ["usage"]
INVALID = ("A filter is invalid (`fields` names it): a malformed date or id, an unknown "
           "account or model, an end before the start, a range over 366 days, a bad cursor")


def filter_text(args: dict) -> dict[str, str]:
    """The filters as the text the report service parses."""
    return {name: str(args[name]) for name in FILTERS if args.get(name) is not None}


def record_body(row: usage_reports.RecordRow) -> dict:
    """A record with its account and model names."""
    record = row.record
    return {"id": record.id, "request_id": record.request_id,
            "account_id": record.account_id, "account_name": row.account_name,
            "model_id": record.model_id, "model_name": row.model_name, "slot": record.slot,
            "occurred_at": record.occurred_at, "input_tokens": record.input_tokens,
            "cached_input_tokens": record.cached_input_tokens,
            "output_tokens": record.output_tokens, "images": record.images,
            "cost": record.cost, "price_version_id": record.price_version_id}


@bp.route("/usage", methods=["GET"], tags=TAGS)
@bp.arguments(UsageQuerySchema, location="query", unknown=ma.RAISE)
@bp.response(200, UsagePageSchema, example=examples.USAGE_PAGE)
@bp.alt_response(422, schema=ErrorSchema, description=INVALID,
                 example=examples.USAGE_FILTER_ERROR)
@errors(*READS)
def list_usage(args):
    """Usage records newest first, with their cost and price version (read scope)."""
    page = usage_reports.usage_page(filter_text(args), args.get("after"), args["limit"])
    return {"items": [record_body(row) for row in page.rows], "limit": page.limit,
            "next_after": page.next_after}


def cost_row_body(table: usage_reports.CostTable, row: usage_reports.CostRow) -> dict:
    """A group's key (and name) with its sums."""
    sums = {name: value for name, value in asdict(row.sums).items() if name != "key"}
    if table.group_by == "day":
        return {"day": row.key, **sums}
    return {f"{table.group_by}_id": row.key, "name": row.label, **sums}


@bp.route("/costs", methods=["GET"], tags=TAGS)
@bp.arguments(CostQuerySchema, location="query", unknown=ma.RAISE)
@bp.response(200, CostReportSchema, example=examples.COST_REPORT)
@bp.alt_response(422, schema=ErrorSchema, description=INVALID,
                 example=examples.COST_FILTER_ERROR)
@errors(*READS)
def list_costs(args):
    """Cost and counts by model, account or day, with totals, from the daily rollups."""
    table = usage_reports.costs(filter_text(args), args["group_by"])
    totals = {name: value for name, value in asdict(table.totals).items() if name != "key"}
    return {"group_by": table.group_by, "start": table.scope.first_day,
            "end": table.scope.last_day, "account_id": table.scope.account_id,
            "model_id": table.scope.model_id, "totals": totals,
            "rows": [cost_row_body(table, row) for row in table.rows]}
