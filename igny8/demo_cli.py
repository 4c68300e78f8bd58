"""`flask demo load`: demo accounts, overrides, price history and usage (services/demo.py)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from igny8.errors import DomainError
from igny8.services import audit

demo_cli = AppGroup("demo", help="Demo data for a fresh install (never loaded by the tests).")


@demo_cli.command("load")
@click.option("--days", type=int, default=90, show_default=True,
              help="Days of usage, ending at today 00:00 UTC.")
@click.option("--accounts", type=int, default=30, show_default=True,
              help="Demo accounts to create (at most 40).")
@click.option("--records", type=int, default=20_000, show_default=True,
              help="Usage records over the period.")
@click.option("--seed", type=int, default=7, show_default=True,
              help="Random seed: the same seed draws the same usage.")
def load_command(days: int, accounts: int, records: int, seed: int) -> None:
    """Create named demo accounts (some with overrides), give the models they use a price
    history, and ingest usage through the ledger so every Credits screen has data. Refused
    when the demo accounts exist already."""
    from igny8.services import demo

    options = demo.DemoOptions(days=days, accounts=accounts, records=records, seed=seed)
    try:
        with click.progressbar(length=records, label="Ingesting usage", file=sys.stderr) as bar:
            report = demo.load_demo(options, audit.CLI, progress=bar.update)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {report.accounts} accounts ({report.overrides} with an override) and "
               f"{report.price_versions} price versions; ingested {report.inserted:,} usage "
               f"records from {report.start:%Y-%m-%d} to {report.end:%Y-%m-%d}"
               f"{f' ({report.duplicates:,} duplicates)' if report.duplicates else ''}.")
