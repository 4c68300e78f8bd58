"""The Costs screen: cost by day (a chart and its table), by model and by account."""
from __future__ import annotations

from flask import render_template

from igny8 import charts
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.credits.blueprint import bp
from igny8.credits.usage_routes import filter_form
from igny8.errors import ValidationFailed, page_status
from igny8.services import usage_reports


def cost_chart(table: usage_reports.CostTable):
    """Bars of the cost per day (inline SVG)."""
    labels = [row.key.strftime("%m-%d") for row in table.rows]
    return charts.bars("Cost per day (UTC)", "USD", labels,
                       {"Cost": [row.sums.cost for row in table.rows]},
                       value_format=lambda value: f"${value:,.4f}")


@bp.route("/costs")
@roles_required(ADMIN, SUPPORT)
def costs():
    """Cost by day, model and account over the filtered range (default: the last 30 days)."""
    form = filter_form()
    try:
        report = usage_reports.costs_report(form.values())
    except ValidationFailed as error:
        form.show_refusal(error)
        return render_template("credits/costs.html", form=form, report=None,
                               error=error), page_status(error)
    scope = report["day"].scope
    form.show_range(scope.first_day, scope.last_day)
    return render_template("credits/costs.html", form=form, report=report, filters=form.values(),
                           totals=report["day"].totals, chart=cost_chart(report["day"]))
