"""igny8's own exchange formats: every field of a catalogue model as JSON (lossless: Decimal as
strings, dates ISO) or CSV (through tablib), written and read back.

Reading yields `Incoming` rows: the coerced column values keyed by (provider, model_name), or
the field-named errors that stop the row. A whole file that cannot be read raises
ValidationFailed and nothing is imported.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import tablib
from sqlalchemy import select

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.pricing import PRICE_FIELDS
from igny8.services.audit import json_safe
from igny8.services.catalogue_input import DATE_FIELDS, EDITABLE_FIELDS, coerce_fields

FORMAT_NAME = "igny8-catalogue"
FORMAT_VERSION = 1
SUCCESSOR_FIELD = "successor"  # the successor by its model_name (same provider): ids differ
# Every column, in the order the files list them; the last four belong to the database.
EXPORT_FIELDS = (
    "id", "provider", "model_type", "model_name", "display_name", "is_active", *PRICE_FIELDS,
    "context_window", "max_output_tokens", "aliases", "deprecation_date", "notes", "origin",
    "price_source", "price_checked_on", SUCCESSOR_FIELD, "version", "created_at", "updated_at",
)
DATABASE_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})
INT_FIELDS = ("context_window", "max_output_tokens")
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}
# OWASP CSV injection: a spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


@dataclass
class Incoming:
    """One row of an import file: the values to compare, or why it is skipped or wrong."""

    label: str  # where the row is in the file: its key or its line
    provider: str | None = None
    model_name: str | None = None
    values: dict[str, Any] = field(default_factory=dict)  # compared with the catalogue
    new_defaults: dict[str, Any] = field(default_factory=dict)  # only when the row is created
    tier: dict[str, Any] = field(default_factory=dict)  # the long-context tier (price version)
    skipped: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    successor: Any = None  # LiteLLM's successor_model: a name, resolved by the preview
    # (why the row is skipped when the catalogue lacks the model, the note for a model it has:
    # its other fields compared) for LiteLLM's image entries priced per token only.
    unpriced: tuple[str, str] | None = None

    @property
    def key(self) -> tuple[str, str] | None:
        """The natural key (provider, model_name), when both are known."""
        if self.provider and self.model_name:
            return (self.provider, self.model_name)
        return None


def successor_names(models: list[AIModelConfig]) -> dict[int, str]:
    """Model id -> model_name of every successor the models name (one query for those not
    among them)."""
    names = {model.id: model.model_name for model in models}
    missing = {m.successor_id for m in models if m.successor_id and m.successor_id not in names}
    if missing:
        rows = db.session.execute(select(AIModelConfig.id, AIModelConfig.model_name)
                                  .where(AIModelConfig.id.in_(missing)))
        names.update((row.id, row.model_name) for row in rows)  # not rows: a Result has keys()
    return names


def record(model: AIModelConfig, successors: dict[int, str]) -> dict[str, Any]:
    """Every field of `model` as JSON-safe values (Decimal text, ISO dates), the successor by
    its name."""
    data = {name: json_safe(getattr(model, name)) for name in EXPORT_FIELDS
            if name != SUCCESSOR_FIELD}
    data[SUCCESSOR_FIELD] = successors.get(model.successor_id) if model.successor_id else None
    return {name: data[name] for name in EXPORT_FIELDS}


def to_json(models: Iterable[AIModelConfig]) -> str:
    """The igny8 JSON document of `models`."""
    models = list(models)
    successors = successor_names(models)
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION,
                "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "models": [record(model, successors) for model in models]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    """A JSON-safe value as CSV text: blank for none, aliases one per line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n".join(value)
    return str(value)


def neutralised(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one quote before a formula start or a leading
    quote (so a quote of the data survives the round trip); a plain number is left alone."""
    if text.startswith(FORMULA_STARTS + (QUOTE,)) and not NUMBER.fullmatch(text):
        return QUOTE + text
    return text


def restored(text: str) -> str:
    """The cell as it was before `neutralised`: one leading quote dropped, only when a formula
    start or another quote follows it (any other quote is the data's)."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS + (QUOTE,)):
        return text[1:]
    return text


def to_csv(models: Iterable[AIModelConfig]) -> str:
    """The catalogue as CSV, one row per model, a header of the field names."""
    dataset = tablib.Dataset(headers=list(EXPORT_FIELDS))
    models = list(models)
    successors = successor_names(models)
    for model in models:
        data = record(model, successors)
        dataset.append([neutralised(_cell(data[name])) for name in EXPORT_FIELDS])
    return dataset.export("csv")


def incoming(label: str, data: dict[str, Any]) -> Incoming:
    """An Incoming row from a record's fields (database fields ignored, the rest coerced)."""
    fields = {name: value for name, value in data.items() if name not in DATABASE_FIELDS}
    row = Incoming(label, _text(fields.get("provider")), _text(fields.get("model_name")))
    if SUCCESSOR_FIELD in fields:  # blank or null: no successor; absent: left as it is
        successor = fields.pop(SUCCESSOR_FIELD)
        row.successor = "" if successor is None else successor
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        row.errors = {name: f"Unknown field {name!r}" for name in unknown}
        return row
    row.values, row.errors = coerce_fields(fields)
    if row.key is None:
        row.errors.setdefault("model_name", "provider and model_name are required")
    return row


def _text(value: Any) -> str | None:
    """A stripped string, or None."""
    return value.strip() or None if isinstance(value, str) else None


def parse_json(text: str) -> Iterator[Incoming]:
    """The rows of an igny8 JSON export (numbers read as Decimal, never float)."""
    try:
        document = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise ValidationFailed(f"The file is not JSON: {exc}", {"file": "not JSON"}) from None
    models = document.get("models") if isinstance(document, dict) else None
    if not isinstance(models, list):
        raise ValidationFailed('The file is not an igny8 catalogue export: it needs a "models"'
                               " list", {"file": "no models list"})
    for number, data in enumerate(models, start=1):
        if not isinstance(data, dict):
            yield Incoming(f"model {number}", errors={"file": "each model must be an object"})
        else:
            yield incoming(f"model {number}", data)


def _csv_value(name: str, text: str) -> Any:
    """A CSV cell as the value the field takes; ValueError names the field."""
    text = text.strip() if name != "notes" else text
    if name == "aliases":
        return [alias.strip() for alias in text.splitlines() if alias.strip()]
    if name == "is_active":
        if text.lower() not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError(f"is_active must be true or false, not {text!r}")
        return text.lower() in TRUE_WORDS
    if name in INT_FIELDS or name in PRICE_FIELDS or name in DATE_FIELDS:
        if not text:
            return None
        if name in INT_FIELDS:
            if not text.isdigit():
                raise ValueError(f"{name} must be a whole number of tokens, not {text!r}")
            return int(text)
    return text


def _load_csv(text: str) -> tablib.Dataset:
    """The CSV as a tablib dataset whose header names known fields."""
    try:
        dataset = tablib.Dataset().load(text.lstrip("\ufeff"), format="csv")
    except Exception as exc:  # tablib raises several kinds for ragged or binary input
        raise ValidationFailed(f"The file is not CSV: {exc}", {"file": "not CSV"}) from None
    headers = [header.strip() for header in dataset.headers or []]
    unknown = [h for h in headers if h not in EDITABLE_FIELDS | DATABASE_FIELDS
               and h != SUCCESSOR_FIELD]
    missing = [h for h in ("provider", "model_name") if h not in headers]
    if unknown or missing:
        problems = ([f"unknown columns: {', '.join(unknown)}"] if unknown else []) + (
            [f"missing columns: {', '.join(missing)}"] if missing else [])
        raise ValidationFailed(f"The CSV header is wrong: {'; '.join(problems)}",
                               {"file": "; ".join(problems)})
    dataset.headers = headers
    return dataset


def parse_csv(text: str) -> Iterator[Incoming]:
    """The rows of an igny8 CSV export; a cell that cannot be read is an error of its row."""
    dataset = _load_csv(text)
    for number, cells in enumerate(dataset, start=2):  # line 1 is the header
        data, errors = {}, {}
        for name, cell in zip(dataset.headers, cells):
            try:
                data[name] = _csv_value(name, restored(cell or ""))
            except ValueError as exc:
                errors[name] = str(exc)
        row = incoming(f"line {number}", data)
        row.errors = {**errors, **row.errors}
        yield row
