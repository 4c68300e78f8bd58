"""Names typed by users: one that shows nothing once normalised is no name at all."""
from __future__ import annotations

import unicodedata

# Characters that render as nothing but are letters or symbols to Unicode (Hangul fillers,
# the blank Braille pattern); zero-width and other format characters are category Cf.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
# The same, as a regular expression for the API document: a name holds one character outside
# this class (astral format characters, e.g. tag characters, are left out for brevity).
INVISIBLE_CLASS = ("\\x00-\\x20\\x7f-\\xa0\\xad\\u061c\\u115f\\u1160\\u1680\\u180e"
                   "\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u2800\\u3000\\u3164"
                   "\\ufeff\\uffa0\\ufff9-\\ufffb")
VISIBLE_PATTERN = f"^[^\\x00]*[^{INVISIBLE_CLASS}][^\\x00]*$"
# The control characters that are not white space: account names refuse them (the white-space
# ones fold to one space), so their pattern leaves them out.
CONTROL_CLASS = "\\x00-\\x08\\x0e-\\x1b\\x7f-\\x84\\x86-\\x9f"
VISIBLE_NO_CONTROL_PATTERN = f"^[^{CONTROL_CLASS}]*[^{INVISIBLE_CLASS}][^{CONTROL_CLASS}]*$"


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing after NFKC normalisation (spaces, zero-width characters)."""
    normalised = unicodedata.normalize("NFKC", text)
    return all(ch in INVISIBLE or unicodedata.category(ch) in INVISIBLE_CATEGORIES
               or ch.isspace() for ch in normalised)


def visible_or_empty(text: str) -> str:
    """`text` without surrounding spaces, or "" when it shows nothing (so "required" applies)."""
    return "" if is_blank(text) else text.strip()
