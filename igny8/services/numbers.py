"""Whole numbers typed by users (ids, page numbers): ASCII digits only, within bounds."""
from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest BIGINT both databases store
MAX_PAGE = 1_000_000  # beyond any real list; keeps OFFSET far inside BIGINT


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
