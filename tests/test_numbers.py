"""The one price parser and the blank-name check shared by forms, services and the API."""
import re
from decimal import Decimal

import pytest

from igny8.services.catalogue_input import coerce_fields
from igny8.services.numbers import PRICE_PATTERN, parse_price
from igny8.services.text import VISIBLE_PATTERN, is_blank


@pytest.mark.parametrize("text, value", [("0", "0"), ("0.15", "0.15"), ("12", "12"),
                                         ("99999999.999999", "99999999.999999"), ("-1", "-1")])
def test_plain_prices_parse_exactly(text, value):
    assert parse_price(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1_000", "\u0661\u0665", " 0.15 ", "1e3", "1E3", "", "+1",
                                  "-0", "-0.0", "NaN", "inf", "1.", ".5", "1.2.3", "1,5",
                                  "\uff11", "0.1\n", "--1", "\u22121", "1" * 41])
def test_loose_spellings_are_refused(text):
    with pytest.raises(ValueError):
        parse_price(text)


@pytest.mark.parametrize("text, matches", [("0.15", True), ("12345678.123456", True),
                                           ("123456789", False), ("0.1234567", False),
                                           ("-1", False), ("", False)])
def test_the_documented_pattern_is_the_accepted_range(text, matches):
    assert bool(re.search(PRICE_PATTERN, text)) is matches


def test_service_coercion_uses_the_same_parser():
    values, errors = coerce_fields({"input_price_per_1m": "1_000", "output_price_per_1m": "2",
                                    "price_per_image": 3})
    assert values == {"output_price_per_1m": Decimal("2"), "price_per_image": Decimal(3)}
    assert "input_price_per_1m must be a decimal amount in USD" in errors["input_price_per_1m"]


@pytest.mark.parametrize("text, blank", [("", True), ("\u200b", True), (" \t\n", True),
                                         ("\ufeff\u2060\u00ad", True), ("\u3164", True),
                                         ("\u3000", True), ("a\u200b", False), ("\u00e9", False),
                                         ("0", False)])
def test_blank_after_normalisation(text, blank):
    assert is_blank(text) is blank


@pytest.mark.parametrize("text", ["", "\u200b", " \t", "\x93\x85", "\u3164", "\ufeff\u2060",
                                  "a", " x ", "\u00e9", "\u200ba", "0"])
def test_the_documented_visible_pattern_agrees_with_is_blank(text):
    assert (re.search(VISIBLE_PATTERN, text) is None) is is_blank(text)
