"""Catalogue export: the models in igny8 JSON, CSV or LiteLLM's cost-map shape, as one file."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from igny8.models.catalogue import AIModelConfig
from igny8.services import exchange_litellm, exchange_records

EXPORT_FORMATS = ("json", "csv", "litellm")
MIMETYPES = {"json": "application/json", "csv": "text/csv", "litellm": "application/json"}
SUFFIXES = {"json": "json", "csv": "csv", "litellm": "litellm.json"}


@dataclass(frozen=True)
class ExportFile:
    """An exported file: its text, media type and a suggested file name."""

    text: str
    mimetype: str
    filename: str


def export(models: Iterable[AIModelConfig], fmt: str) -> ExportFile:
    """The models written in `fmt` (json, csv or litellm)."""
    writers = {"json": exchange_records.to_json, "csv": exchange_records.to_csv,
               "litellm": exchange_litellm.to_litellm}
    if fmt not in writers:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    filename = f"igny8-catalogue-{date.today().isoformat()}.{SUFFIXES[fmt]}"
    return ExportFile(writers[fmt](models), MIMETYPES[fmt], filename)
