"""`flask catalogue export` and `flask catalogue import`: thin over services/exchange*.py."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from igny8.errors import DomainError
from igny8.models.catalogue import PROVIDERS
from igny8.services import audit
from igny8.services import exchange as exchange_service
from igny8.services import exchange_apply
from igny8.services.exchange_export import EXPORT_FORMATS
from igny8.services.exchange_litellm import MODES

SHOWN_ERRORS = 20  # the first errors are printed; the rest are counted


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json",
              show_default=True, help="igny8 JSON, CSV or LiteLLM's cost map.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export_command(fmt: str, output: Path | None) -> None:
    """Write the whole catalogue in FORMAT."""
    from igny8.services.catalogue import list_models
    from igny8.services.exchange_export import export

    exported = export(list_models(), fmt)
    if output is None:
        click.echo(exported.text, nl=False)
        return
    output.write_text(exported.text, encoding="utf-8")
    click.echo(f"Wrote {output}.", err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(exchange_service.FORMATS), required=True,
              help="litellm (LiteLLM's cost map), json or csv (igny8's exports).")
@click.option("--provider", "providers", multiple=True, type=click.Choice(list(PROVIDERS)),
              help="Import this provider (repeatable; LiteLLM default: openai, anthropic).")
@click.option("--mode", "modes", multiple=True, type=click.Choice(list(MODES)),
              help="LiteLLM modes to import (repeatable; default: all three).")
@click.option("--dry-run/--apply", "dry_run", required=True,
              help="Only count what would change, or write the New and Changed rows.")
def import_command(file: Path, fmt: str, providers: tuple[str, ...], modes: tuple[str, ...],
                   dry_run: bool) -> None:
    """Compare FILE with the catalogue, print the counts, and with --apply write the New and
    Changed rows (not those an admin edited by hand) in one transaction. Exit status 1 when a
    row has errors; a model missing from the file is never deleted."""
    try:
        items = exchange_service.parse(file.read_text(encoding="utf-8"), fmt, providers, modes)
        with click.progressbar(items, label="Comparing", file=sys.stderr) as bar:
            if dry_run:
                result = exchange_service.preview(bar)
            else:
                result, report = exchange_apply.apply(bar, lambda row: row.default_ticked,
                                                      audit.CLI)
        _print(result)
        if not dry_run:
            click.echo(f"Applied: {len(report.created)} created, {len(report.updated)} updated.")
            for key in report.unlinked:
                click.echo(f"  {key}: its successor (new in the file) was not applied")
    except (DomainError, UnicodeDecodeError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from None
    if result.counts()[exchange_service.ERROR]:
        raise SystemExit(1)


def _print(result: exchange_service.Preview) -> None:
    """The counts per class, then each error and each hand-edited row left out."""
    counts = result.counts()
    click.echo(", ".join(f"{exchange_service.CLASSES[status]}: {count}"
                         for status, count in counts.items()))
    errors = [row for row in result.rows if row.status == exchange_service.ERROR]
    for row in errors[:SHOWN_ERRORS]:
        messages = "; ".join(f"{name}: {text}" for name, text in row.messages.items())
        click.echo(f"  error {row.key}: {messages}")
    if len(errors) > SHOWN_ERRORS:
        click.echo(f"  ... and {len(errors) - SHOWN_ERRORS} more errors")
    noted = [row for row in result.rows if row.notes]
    for row in noted[:SHOWN_ERRORS]:
        click.echo(f"  note {row.key}: {'; '.join(row.notes.values())}")
    if len(noted) > SHOWN_ERRORS:
        click.echo(f"  ... and {len(noted) - SHOWN_ERRORS} more notes")
    for row in result.rows:
        if row.applicable and row.hand_edited:
            click.echo(f"  left out {row.key}: edited by an admin (apply it from the screen)")
