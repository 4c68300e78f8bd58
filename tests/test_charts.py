"""Charts: inline SVG without scripts or styles (the CSP allows neither); the static rules."""
from datetime import date
from decimal import Decimal

from igny8 import charts


def test_charts_carry_no_script_and_no_inline_style():
    svg = str(charts.bars("Cost per day", "USD", ["11-30", "12-01"],
                          {"Cost": [Decimal("0.5"), Decimal("1.25")]}))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<script" not in svg and "<style" not in svg
    assert 'class="pygal-chart"' in svg and "Cost per day" in svg


def test_dashed_series_are_dashed_by_an_svg_attribute():
    svg = str(charts.time_series("Prices", "USD", {
        "Input": [(date(2026, 1, 1), Decimal("0.15"))],
        "Scheduled": [(date(2026, 2, 1), Decimal("0.10"))]}, dashed=["Scheduled"]))
    assert '<g stroke-dasharray="6, 4" class="series serie-1 color-1"' in svg
    assert '<g stroke-dasharray="6, 4" class="series serie-0' not in svg


def test_the_served_stylesheet_holds_the_rules_of_the_style():
    css = charts.STYLESHEET.read_text()
    assert css == charts.stylesheet(), "regenerate static/css/charts.css from stylesheet()"
    assert ".pygal-chart .color-5" in css and "#chart-" not in css
