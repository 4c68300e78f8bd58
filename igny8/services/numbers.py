"""Numbers typed by users: ids and page numbers (ASCII digits, bounded) and prices (strict)."""
from __future__ import annotations

import re
from decimal import Decimal

MAX_ID = 2**63 - 1  # the largest BIGINT both databases store
MAX_PAGE = 1_000_000  # beyond any real list; keeps OFFSET far inside BIGINT
# A price as written: ASCII digits with an optional dot and decimals. Python's Decimal would also
# take "1_000", "١٥", " 0.15 ", "1e3", "+1" and "NaN"; none of those is how an amount is written.
# A plain minus passes the syntax so that the rules can say "must be 0 or more"; "-0" cannot.
PRICE_SYNTAX = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MAX_PRICE_TEXT = 40  # longer than any price a Numeric(14, 6) holds
# What the OpenAPI document promises: the syntax within the column (8 digits, 6 places).
PRICE_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,6})?$"
PRICE_SYNTAX_MESSAGE = 'write digits with an optional dot and no spaces or signs, e.g. "0.15"'


def parse_price(text: str) -> Decimal:
    """A price from its text: ASCII digits, one optional dot; ValueError for anything else."""
    if len(text) > MAX_PRICE_TEXT or not PRICE_SYNTAX.fullmatch(text):
        raise ValueError(PRICE_SYNTAX_MESSAGE)
    value = Decimal(text)
    if text.startswith("-") and not value:
        raise ValueError(PRICE_SYNTAX_MESSAGE)  # "-0" would be stored as 0
    return value


def parse_whole(raw: object, maximum: int = MAX_ID) -> int | None:
    """`raw` as a non-negative int when it is 1-19 ASCII digits not above `maximum`, else None."""
    text = str(raw or "").strip()
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= maximum else None


def parse_id(raw: object) -> int | None:
    """A positive database id, else None (so '²', '-1', '0' and 30 digits are no id)."""
    value = parse_whole(raw)
    return value if value else None


def parse_page(raw: object, default: int = 1, maximum: int = MAX_PAGE) -> int:
    """A page or page size from the query string: positive, clamped to `maximum`, else `default`."""
    text = str(raw or "").strip()
    if text.isascii() and text.isdigit() and int(text) > 0:
        return min(int(text), maximum)
    return default
