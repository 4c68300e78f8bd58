"""Charts as server-rendered SVG (pygal): they show without JavaScript and need no CDN.

Every chart is inline `<svg>` markup with a `<title>`, disable_xml_declaration so it can sit in
a page; pygal's optional tooltip script is not loaded (no external JS), so hover details are
rendered into the SVG as `<desc>` elements; templates put a data table next to each chart.
The CSP allows no inline style either, so pygal's `<style>` (its rules keyed by the chart's id)
is cut too and the same rules, keyed by the `pygal-chart` class, are served as
static/css/charts.css (`stylesheet()`; base.html links it); dashed series get the SVG
attribute `stroke-dasharray` instead of a per-chart rule.
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pygal
from markupsafe import Markup
from pygal.style import Style

STYLE = Style(
    background="transparent", plot_background="transparent", font_family="system-ui, sans-serif",
    colors=("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"),
    label_font_size=11, major_label_font_size=11, legend_font_size=12, title_font_size=14)
Point = tuple[datetime | date, Decimal | int | None]
# pygal always writes an inline config script and an inline stylesheet; the CSP
# (igny8/security.py) forbids both, so they are cut from the markup.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]+")
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "charts.css"
DASHES = "6, 4"


def _svg(chart, dashed: Sequence[int] = ()) -> Markup:
    """The chart's inline SVG without scripts or styles; series `dashed` (indexes) dashed."""
    svg = _STYLE.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))
    for index in dashed:
        svg = svg.replace(f'<g class="series serie-{index} color-{index}"',
                          f'<g stroke-dasharray="{DASHES}" class="series serie-{index} '
                          f'color-{index}"')
    return Markup(svg)


def stylesheet() -> str:
    """pygal's rules for igny8's STYLE, keyed by the `pygal-chart` class (static/css/charts.css)."""
    chart = _common(pygal.Bar, "", "")
    for index in range(len(STYLE.colors)):  # one rule per colour
        chart.add(str(index), [1.0])
    rules = html.unescape(_STYLE.search(chart.render(is_unicode=True)).group(1))
    header = "/* pygal's rules for igny8.charts.STYLE, written by igny8.charts.stylesheet(). */"
    return f"{header}\n{_CHART_ID.sub('.pygal-chart', rules).strip()}\n"


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
        chart.add(label, _stepped(values) if step else values)
    return _svg(chart, [index for index, label in enumerate(series) if label in dashed])


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
