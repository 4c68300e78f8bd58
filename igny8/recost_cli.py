"""`flask usage recost`: preview or apply a re-costing of a model's records, or resume a run."""
from __future__ import annotations

import click

from igny8.errors import DomainError
from igny8.pricing import format_usd
from igny8.services import audit, recosting
from igny8.services.recost_window import parse_moment


def _echo_preview(shown: recosting.Preview) -> None:
    """The preview as lines: the model's totals, then one line per account."""
    totals = shown.totals
    click.echo(f"{shown.model_name} (model {shown.model_id}) since {shown.since.isoformat()}"
               + (f" until {shown.until.isoformat()}" if shown.until else ""))
    click.echo(f"{totals.changed} of {totals.records} records change:"
               f" {format_usd(totals.before)} -> {format_usd(totals.after)}"
               f" ({format_usd(shown.difference)})")
    for line in shown.accounts:
        click.echo(f"  {line.account_name} (account {line.account_id}): {line.totals.changed}"
                   f" of {line.totals.records} records, {format_usd(line.totals.before)} ->"
                   f" {format_usd(line.totals.after)} ({format_usd(line.difference)})")


def _run_with_bar(run_id: int, batch_size: int) -> None:
    """Run (or resume) a run here with a progress bar of its records."""
    run = recosting.get_run(run_id)
    if run is None:
        raise click.ClickException(f"No re-costing run {run_id}.")
    with click.progressbar(length=max(run.records_total, 1), label=f"Run {run_id}") as bar:
        shown = {"done": run.records_done}
        bar.update(shown["done"])

        def advance(current) -> None:
            bar.update(current.records_done - shown["done"])
            shown["done"] = current.records_done

        run = recosting.run_batches(run_id, batch_size, advance)
    click.echo(f"Run {run.id} {run.status}: {run.records_changed} of {run.records_done} records"
               f" changed, {format_usd(run.total_before)} -> {format_usd(run.total_after)}.")


@click.command("recost")
@click.option("--model", "model_id", type=int, help="The model id whose records are re-costed.")
@click.option("--since", help="Re-cost records from this date or ISO time (UTC) on.")
@click.option("--until", help="Only records before this date or ISO time (UTC).")
@click.option("--dry-run", "mode", flag_value="dry-run", help="Show the preview; write nothing.")
@click.option("--apply", "mode", flag_value="apply", help="Re-cost now, with a progress bar.")
@click.option("--resume", "resume_id", type=int, help="Resume run RUN_ID from its progress.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=recosting.BATCH_SIZE,
              show_default=True, help="Records per batch (one transaction each).")
def recost_command(model_id, since, until, mode, resume_id, batch_size) -> None:
    """Re-cost a model's records at the prices in force now (after a price correction)."""
    try:
        if resume_id is not None:
            _run_with_bar(resume_id, batch_size)
            return
        if mode is None or model_id is None:
            raise click.UsageError("give --model and --since with --dry-run or --apply,"
                                   " or --resume RUN_ID")
        start, end = parse_moment(since, "since"), parse_moment(until, "until", required=False)
        if mode == "dry-run":
            _echo_preview(recosting.preview(model_id, start, end))
            click.echo("Dry run: nothing was written.")
            return
        _run_with_bar(recosting.start_run(model_id, start, end, audit.CLI), batch_size)
    except DomainError as error:
        raise click.ClickException(error.message) from None
