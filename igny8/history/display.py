"""How the history reads: field labels instead of column names, values in words, empty
fields of a create or delete left out."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from igny8.models import SLOTS
from igny8.models.catalogue import MODEL_TYPES, PROVIDERS
from igny8.pricing import PRICES, format_usd

FIELD_LABELS = {
    "display_name": "Display name", "model_name": "Model name", "provider": "Provider",
    "model_type": "Type", "is_active": "Status", "context_window": "Context window",
    "max_output_tokens": "Max output tokens", "aliases": "Aliases",
    "deprecation_date": "Deprecation date", "notes": "Notes", "price_source": "Price source",
    "price_checked_on": "Prices checked on", "origin": "Origin", "name": "Name",
    "scope": "Scope", "revoked_at": "Revoked at", "email": "Email", "role": "Role",
    **{price.name: price.form_label for price in PRICES},
    **{name: slot.label for name, slot in SLOTS.items()},
}
PRICE_NAMES = {price.name for price in PRICES}
TOKEN_FIELDS = {"context_window", "max_output_tokens"}
CHOICE_LABELS = {"provider": PROVIDERS, "model_type": MODEL_TYPES}
EMPTY = "—"
# Fields are listed in this order whatever order the database keeps JSON keys in (PostgreSQL's
# JSON sorts them); a field not named here comes after, alphabetically.
FIELD_ORDER = {field: position for position, field in enumerate(FIELD_LABELS)}


def field_label(field: str) -> str:
    """The label a screen uses for `field` (an unknown one: its words, capitalised)."""
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def is_empty(value: Any) -> bool:
    """Nothing worth listing: None, blank text or an empty list."""
    return value is None or value == "" or value == []


def format_value(field: str, value: Any) -> str:
    """A recorded value in words: Active/Inactive, yes/no, "none", lists, prices, tokens."""
    if isinstance(value, bool):
        if field == "is_active":
            return "Active" if value else "Inactive"
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if is_empty(value):
        return EMPTY
    if field in PRICE_NAMES:
        return _price(value)
    if field in TOKEN_FIELDS and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {format_value(key, item)}" for key, item in value.items())
    return str(CHOICE_LABELS.get(field, {}).get(value, value))


def _price(value: Any) -> str:
    """A stored price text as dollars; an unreadable one as it was stored."""
    try:
        return format_usd(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def visible_changes(entry: Any) -> list[tuple[str, str, str]]:
    """(label, before, after) per field change; a create leaves out fields it left empty,
    a delete those that were empty."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    rows = []
    for field in sorted(changes, key=lambda name: (FIELD_ORDER.get(name, len(FIELD_ORDER)), name)):
        change = changes[field]
        if not (isinstance(change, list) and len(change) == 2):
            rows.append((field_label(field), "", str(change)))
            continue
        before, after = change
        if is_empty(before) and is_empty(after):
            continue
        if (entry.action == "create" and is_empty(after)) or (
                entry.action == "delete" and is_empty(before)):
            continue
        rows.append((field_label(field), format_value(field, before),
                     format_value(field, after)))
    return rows
