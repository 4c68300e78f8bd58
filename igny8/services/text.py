"""Names typed by users: one that shows nothing once normalised is no name at all."""
from __future__ import annotations

import unicodedata

# Characters that render as nothing but are letters or symbols to Unicode (Hangul fillers,
# the blank Braille pattern); zero-width and other format characters are category Cf.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing after NFKC normalisation (spaces, zero-width characters)."""
    normalised = unicodedata.normalize("NFKC", text)
    return all(ch in INVISIBLE or unicodedata.category(ch) in INVISIBLE_CATEGORIES
               or ch.isspace() for ch in normalised)


def visible_or_empty(text: str) -> str:
    """`text` without surrounding spaces, or "" when it shows nothing (so "required" applies)."""
    return "" if is_blank(text) else text.strip()
