"""The Usage screen: the ledger's records with filters, totals and a CSV download."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Response, render_template, request, stream_with_context

from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.credits.blueprint import bp
from igny8.credits.filters import ReportFilterForm
from igny8.errors import ValidationFailed, page_status
from igny8.pricing import decimal_text
from igny8.services import usage_reports

PER_PAGE = 50
CSV_LIMIT = 100_000
CSV_COLUMNS = ("occurred_at", "request_id", "account_id", "account", "model_id", "model", "slot",
               "input_tokens", "cached_input_tokens", "output_tokens", "images", "cost",
               "price_version_id")


def filter_form() -> ReportFilterForm:
    """The filters from the query string, offering the accounts and models with usage."""
    form = ReportFilterForm(request.args)
    form.set_choices(usage_reports.filter_choices(request.args))
    return form


@bp.route("/usage")
@roles_required(ADMIN, SUPPORT)
def usage():
    """Usage records newest first, filtered, with the totals of the filtered days."""
    form = filter_form()
    try:
        page = usage_reports.usage_page(form.values(), request.args.get("after"), PER_PAGE,
                                        whole_days=True)
    except ValidationFailed as error:
        form.show_refusal(error)
        return render_template("credits/usage.html", form=form, page=None,
                               error=error), page_status(error)
    form.show_range(page.scope.first_day, page.scope.last_day)
    return render_template("credits/usage.html", form=form, page=page, filters=form.values(),
                           totals=usage_reports.usage_totals(page.scope), csv_limit=CSV_LIMIT)


def csv_lines(rows: Iterator[usage_reports.RecordRow]) -> Iterator[str]:
    """The header and one line per record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        record = row.record
        writer.writerow((record.occurred_at.isoformat(), record.request_id, record.account_id,
                         row.account_name, record.model_id, row.model_name, record.slot or "",
                         record.input_tokens, record.cached_input_tokens, record.output_tokens,
                         record.images, decimal_text(record.cost), record.price_version_id))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


@bp.route("/usage.csv")
@roles_required(ADMIN, SUPPORT)
def usage_csv():
    """The filtered records (the newest CSV_LIMIT) as a CSV file, streamed."""
    form = filter_form()
    try:
        scope, rows = usage_reports.iter_usage(form.values(), cap=CSV_LIMIT)
    except ValidationFailed as error:
        form.show_refusal(error)
        return render_template("credits/usage.html", form=form, page=None,
                               error=error), page_status(error)
    name = f"usage-{scope.first_day.isoformat()}-{scope.last_day.isoformat()}.csv"
    return Response(stream_with_context(csv_lines(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
