"""igny8.pricing: the price table matches the model, and every screen writes a price one way."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask import render_template_string

from igny8.models import AIModelConfig
from igny8.pricing import PRICE_FIELDS, PRICES, REQUIRED_PRICES, decimal_text, format_usd


def test_every_price_field_is_a_numeric_column_of_the_model():
    columns = AIModelConfig.__table__.columns
    assert [field.name for field in PRICES] == list(PRICE_FIELDS)
    assert all(columns[name].type.scale == 6 for name in PRICE_FIELDS)
    assert {name for names in REQUIRED_PRICES.values() for name in names} <= set(PRICE_FIELDS)


@pytest.mark.parametrize(("value", "text"), [
    ("0.150000", "0.15"), ("10", "10.00"), ("0.0013", "0.0013"), ("1E+2", "100.00"), ("0", "0.00"),
])
def test_decimal_text_keeps_two_places_and_every_significant_digit(value, text):
    assert decimal_text(Decimal(value)) == text
    assert format_usd(Decimal(value)) == f"${text}"


def test_templates_format_prices_with_the_same_filters(app):
    with app.test_request_context("/admin/ai-models/"):
        page = render_template_string("{{ p | usd }} {{ p | decimal_text }}", p=Decimal("0.600000"))
    assert page == "$0.60 0.60"


def test_prices_of_a_thousand_or_more_have_thousands_separators():
    from decimal import Decimal

    from igny8.pricing import format_usd
    assert [format_usd(Decimal(value)) for value in ("999.99", "1000", "1234567.5")] == [
        "$999.99", "$1,000.00", "$1,234,567.50"]
