"""`flask prices promote`: scheduled price changes that fell due, moved into the models' columns
(for cron; every request does the same when one is due)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

prices_cli = AppGroup("prices", help="Price versions of the catalogue models.")


@prices_cli.command("promote")
def promote_command() -> None:
    """Set each model's prices to its version in force now; print what moved and what is next."""
    from igny8.services import price_schedule, prices

    now = prices.utcnow()
    promoted = price_schedule.promote(now)
    for name in promoted:
        click.echo(f"Promoted: {name}")
    click.echo(f"{len(promoted)} model{'s' if len(promoted) != 1 else ''} promoted.")
    upcoming = price_schedule.next_due(now)
    click.echo(f"Next scheduled change: {upcoming.isoformat() if upcoming else 'none'}")
