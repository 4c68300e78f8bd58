"""`flask` commands: catalogue seeding, listing, export and import."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from igny8.exchange_cli import export_command, import_command
from igny8.models.catalogue import MODEL_TYPES, PROVIDERS, AIModelConfig

catalogue_cli = AppGroup("catalogue", help="Manage the AI model catalogue.")
catalogue_cli.add_command(export_command)
catalogue_cli.add_command(import_command)

LIST_HEADERS = ("id", "provider", "type", "model_name", "display_name", "active", "prices",
                "context", "deprecated")


@catalogue_cli.command("seed")
def seed_command() -> None:
    """Insert missing catalogue models, refresh seed rows, fill empty global model slots.

    Rows an admin created or edited (origin other than 'seed') and slots an admin chose are
    never changed; running it again changes nothing.
    """
    from igny8.services.seed import seed_catalogue

    report = seed_catalogue(current_app.config["IGNY8_DEFAULT_MODELS"])
    for line in report.lines():
        click.echo(line)


@catalogue_cli.command("list")
@click.option("--provider", type=click.Choice(list(PROVIDERS)), help="Only this provider.")
@click.option("--type", "model_type", type=click.Choice(list(MODEL_TYPES)), help="Only this type.")
@click.option("--active/--inactive", default=None, help="Only active (or inactive) models.")
def list_command(provider: str | None, model_type: str | None, active: bool | None) -> None:
    """Print the catalogue as an aligned table."""
    from igny8.services.catalogue import list_models

    models = list_models(provider, model_type, active)
    if not models:
        click.echo("No models match.")
        return
    for line in render_table(LIST_HEADERS, [catalogue_row(model) for model in models]):
        click.echo(line)


def catalogue_row(model: AIModelConfig) -> tuple[str, ...]:
    """One model as the text cells of the list table."""
    context = f"{model.context_window:,}" if model.context_window else "-"
    deprecated = model.deprecation_date.isoformat() if model.deprecation_date else "-"
    return (str(model.id), model.provider, model.model_type, model.model_name,
            model.display_name, "yes" if model.is_active else "no", model.price_text, context,
            deprecated)


def render_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Left-aligned columns two spaces apart, with a rule under the headers."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    rule = tuple("-" * width for width in widths)
    return [line(headers), line(rule), *(line(row) for row in rows)]
