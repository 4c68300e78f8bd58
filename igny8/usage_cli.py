"""`flask usage`: the usage ledger's commands (`import` here; re-costing: igny8/recost_cli.py)."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask.cli import AppGroup

from igny8.errors import ValidationFailed
from igny8.recost_cli import recost_command
from igny8.services import audit, ledger, usage_csv

usage_cli = AppGroup("usage", help="The usage ledger: import records, re-costing.")
usage_cli.add_command(recost_command)
SHOWN_ERRORS = 20  # the first errors are printed; the rest are counted


@dataclass
class ImportTotals:
    """What an import stored and refused."""

    inserted: int = 0
    duplicates: int = 0
    refused_batches: int = 0
    unwritten: int = 0  # rows of refused batches, good ones included
    errors: list[str] = field(default_factory=list)


def _ingest_batch(batch: usage_csv.CsvBatch, totals: ImportTotals) -> None:
    """One batch through the ledger: counted when stored, its errors by line when refused."""
    try:
        result = ledger.ingest(batch.records, audit.CLI)
    except ledger.IngestRefused as refused:
        totals.refused_batches += 1
        totals.unwritten += len(batch.records)
        for index, messages in sorted(refused.problems.items()):
            text = "; ".join(f"{name}: {message}" for name, message in messages.items())
            totals.errors.append(f"line {batch.lines[index]}: {text}")
        return
    totals.inserted += result.inserted
    totals.duplicates += result.duplicates


def _report(totals: ImportTotals) -> None:
    """The counts, then the first errors."""
    click.echo(f"Inserted {totals.inserted:,}, duplicates {totals.duplicates:,}.")
    if totals.refused_batches:
        click.echo(f"Refused: {len(totals.errors):,} row(s) with errors; their "
                   f"{totals.refused_batches:,} batch(es), {totals.unwritten:,} rows, were not "
                   "written. Fix the lines and import the file again: stored rows come back as "
                   "duplicates.")
    for line in totals.errors[:SHOWN_ERRORS]:
        click.echo(f"  {line}")
    if len(totals.errors) > SHOWN_ERRORS:
        click.echo(f"  ... and {len(totals.errors) - SHOWN_ERRORS:,} more")


@usage_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import usage records from FILE, a CSV with a header naming the API's columns
    (request_id, account_id, model_id, occurred_at; optional slot, input_tokens,
    cached_input_tokens, output_tokens, images).

    Rows go through the ledger in batches of 1,000, each all or nothing: a batch with an
    error is not written at all (its errors are printed with their line numbers), the other
    batches are. Importing the file again after fixing it is safe: rows already stored with
    the same values count as duplicates. Exit status 1 when any row was refused.
    """
    totals = ImportTotals()
    try:
        with file.open(encoding="utf-8-sig", newline="") as stream:
            rows = usage_csv.data_rows(stream)
            with click.progressbar(length=rows, label="Importing", file=sys.stderr) as bar:
                for batch in usage_csv.batches(stream, ledger.MAX_RECORDS):
                    _ingest_batch(batch, totals)
                    bar.update(len(batch.records))
    except (ValidationFailed, UnicodeDecodeError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from None
    _report(totals)
    if totals.errors:
        raise SystemExit(1)
