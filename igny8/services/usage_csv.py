"""Usage records from a CSV file with the API's columns, in batches for ledger.ingest.

The header is required and names the columns (any order): request_id, account_id, model_id,
occurred_at are required; slot and the four counts are optional (an empty cell is no slot, or
0). Whole numbers are written as ASCII digits; anything else is passed on as text, which the
ledger refuses naming the field. Each record keeps the line it starts on, for the messages.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from igny8.errors import ValidationFailed
from igny8.models.usage import COUNTS
from igny8.services.usage_input import REQUIRED
from igny8.services.usage_store.records import SENT_COLUMNS

WHOLE_NUMBERS = frozenset({"account_id", "model_id", *COUNTS})
EXTRA_CELLS = "cells after the last column"


@dataclass
class CsvBatch:
    """Up to one ingest call of records, with the line each starts on."""

    lines: list[int] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


def check_header(names: Iterable[str] | None) -> None:
    """Refuse a file without the required columns, or with columns no record has."""
    found = [name.strip() for name in names or ()]
    missing = [name for name in REQUIRED if name not in found]
    unknown = [name for name in found if name not in SENT_COLUMNS]
    problems = {}
    if missing:
        problems["header"] = f"missing column(s) {', '.join(missing)}"
    if unknown:
        problems["columns"] = f"unknown column(s) {', '.join(unknown)}; known: " \
                              f"{', '.join(SENT_COLUMNS)}"
    if problems:
        raise ValidationFailed("The CSV header must name the usage record columns: "
                               + "; ".join(problems.values()), problems)


def cell_value(name: str, text: str | None) -> Any:
    """A cell as the ledger takes it: None when empty, ASCII digits as int, else the text."""
    if text is None or not text.strip():
        return None
    if name in WHOLE_NUMBERS and text.strip().isascii() and text.strip().isdigit():
        return int(text.strip())
    return text if name == "request_id" else text.strip()


def row_record(row: dict) -> dict[str, Any]:
    """One CSV row as a record (empty cells left out, so counts default to 0)."""
    record = {}
    for name, text in row.items():
        if name == EXTRA_CELLS:
            record[name] = ",".join(text)
            continue
        value = cell_value(name.strip(), text)
        if value is not None:
            record[name.strip()] = value
    return record


def batches(stream: TextIO, size: int) -> Iterator[CsvBatch]:
    """The file's records in batches of `size` (after checking the header)."""
    reader = csv.DictReader(stream, restkey=EXTRA_CELLS)
    check_header(reader.fieldnames)
    batch, line = CsvBatch(), reader.line_num + 1
    for row in reader:
        batch.lines.append(line)
        batch.records.append(row_record(row))
        line = reader.line_num + 1
        if len(batch.records) == size:
            yield batch
            batch = CsvBatch()
    if batch.records:
        yield batch


def data_rows(stream: TextIO) -> int:
    """How many records the file holds (for the progress bar); rewinds the stream."""
    count = sum(1 for row in csv.reader(stream) if row) - 1
    stream.seek(0)
    return max(count, 0)
