"""Charts as server-rendered SVG (pygal): they show without JavaScript and need no CDN.

Every chart is inline `<svg>` markup with a `<title>`, disable_xml_declaration so it can sit in
a page; pygal's optional tooltip script is not loaded (no external JS), so hover details are
rendered into the SVG as `<desc>` elements; templates put a data table next to each chart.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import pygal
from markupsafe import Markup
from pygal.style import Style

STYLE = Style(
    background="transparent", plot_background="transparent", font_family="system-ui, sans-serif",
    colors=("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"),
    label_font_size=11, major_label_font_size=11, legend_font_size=12, title_font_size=14)
Point = tuple[datetime | date, Decimal | int | None]
# pygal always writes an inline config script; the CSP (igny8/security.py) forbids inline
# scripts and the chart needs none, so it is cut from the markup.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


def _svg(chart) -> Markup:
    """The chart's inline SVG without scripts."""
    return Markup(_SCRIPT.sub("", chart.render(is_unicode=True)))


def _common(chart_class, title: str, y_title: str, **options):
    """A chart with igny8's style: no external script, responsive width."""
    return chart_class(
        title=title, y_title=y_title, style=STYLE, js=(), disable_xml_declaration=True,
        width=900, height=320, explicit_size=False, show_dots=True, dots_size=3,
        legend_at_bottom=True, truncate_legend=-1, print_values=False, **options)


def time_series(title: str, y_title: str, series: Mapping[str, Sequence[Point]],
                value_format=str, step: bool = False, dashed: Sequence[str] = ()) -> Markup:
    """A line per series over time (date or datetime x values); `dashed` names series drawn
    dashed (e.g. scheduled prices); `step` draws each value until the next point."""
    chart = _common(pygal.DateTimeLine, title, y_title, x_label_rotation=20,
                    x_value_formatter=lambda moment: moment.strftime("%Y-%m-%d"),
                    value_formatter=value_format, interpolate=None)
    for label, points in series.items():
        values = [(_as_datetime(x), None if y is None else float(y)) for x, y in points]
        options = {"stroke_style": {"width": 2, "dasharray": "6, 4"}} if label in dashed else {}
        chart.add(label, _stepped(values) if step else values, **options)
    return _svg(chart)


def bars(title: str, y_title: str, labels: Sequence[str],
         series: Mapping[str, Sequence[Decimal | int]], value_format=str,
         stacked: bool = False) -> Markup:
    """Bars per label (e.g. cost per day), one colour per series; `stacked` stacks them."""
    chart_class = pygal.StackedBar if stacked else pygal.Bar
    chart = _common(chart_class, title, y_title, x_label_rotation=30,
                    value_formatter=value_format, show_minor_x_labels=len(labels) <= 31,
                    x_labels_major_every=max(1, len(labels) // 15))
    chart.x_labels = list(labels)
    for label, values in series.items():
        chart.add(label, [float(value) for value in values])
    return _svg(chart)


def _as_datetime(moment: datetime | date) -> datetime:
    """pygal's DateTimeLine wants datetimes."""
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day)


def _stepped(values: list[tuple[datetime, float | None]]) -> list[tuple[datetime, float | None]]:
    """Points of a step line: each value holds until the next point's time."""
    stepped: list[tuple[datetime, float | None]] = []
    for index, (moment, value) in enumerate(values):
        if index and stepped[-1][1] is not None:
            stepped.append((moment, stepped[-1][1]))
        stepped.append((moment, value))
    return stepped
