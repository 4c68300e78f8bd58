"""Benchmark the catalogue import: preview of LiteLLM's whole cost map against a 1,000-model
catalogue, and applying 500 changes in one transaction.

Run: .venv/bin/python bench/import_bench.py [--sqlite] [--cost-map PATH] [--changes 500]
PostgreSQL by default (a throwaway database on --pg-admin-url, dropped at the end); --sqlite uses
a temporary file. The catalogue is the HTTP benchmark's 1,000 models (http_bench_data). The cost
map is read from --cost-map and never copied into the repository.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from http_bench_data import COST_MAP, catalogue_rows
from pg_scratch import PG_ADMIN_URL, throwaway_database
from sqlalchemy import insert

from igny8 import create_app
from igny8.config import TestingConfig
from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.services import audit, exchange, exchange_apply
from igny8.services.catalogue import list_models
from igny8.services.exchange_records import to_json


def arguments() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--cost-map", type=Path, default=COST_MAP)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args()


@contextmanager
def database(args: argparse.Namespace):
    """The URL of an empty database for one run."""
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
    else:
        with throwaway_database(args.pg_admin_url) as url:
            yield url


def timed(action) -> tuple[float, object]:
    """Seconds `action` took, and what it returned."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def preview_cost_map(path: Path, repeat: int) -> None:
    """Read, parse and classify the whole cost map (openai, anthropic), `repeat` times."""
    def run():
        items = exchange.parse(path.read_text(encoding="utf-8"), "litellm")
        result = exchange.preview(items)
        db.session.rollback()
        return len(items), result
    times = []
    for _ in range(repeat):
        seconds, (entries, result) = timed(run)
        times.append(seconds)
    print(f"preview of {entries:,} cost-map entries against {len(list_models()):,} models: "
          f"median {statistics.median(times):.2f} s (runs: "
          f"{', '.join(f'{t:.2f}' for t in times)}); {result.counts()}")


def apply_changes(count: int) -> None:
    """Export the catalogue, raise `count` input prices in the file, preview and apply."""
    document = json.loads(to_json(list_models()))
    texts = [m for m in document["models"] if m["input_price_per_1m"] is not None][:count]
    for model in texts:
        model["input_price_per_1m"] = str(Decimal(model["input_price_per_1m"]) + Decimal("0.01"))
    text = json.dumps(document)
    seconds_preview, _ = timed(lambda: exchange.preview(exchange.parse(text, "json")))
    db.session.rollback()
    items = exchange.parse(text, "json")
    seconds, (_result, report) = timed(
        lambda: exchange_apply.apply(items, lambda row: True, audit.CLI))
    print(f"apply of {len(report.updated)} changed models (lock, classify again, write in one"
          f" transaction, each audited): {seconds:.2f} s (the preview alone:"
          f" {seconds_preview:.2f} s)")


def main() -> None:
    """Build the catalogue, then run both measurements."""
    args = arguments()
    if not args.cost_map.exists():
        raise SystemExit(f"{args.cost_map} is missing: pass --cost-map PATH")
    with database(args) as url:
        app = create_app(TestingConfig(url))
        with app.app_context():
            db.create_all()
            db.session.execute(insert(AIModelConfig), catalogue_rows())
            db.session.commit()
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            print(f"{'SQLite' if args.sqlite else 'PostgreSQL'}, Python "
                  f"{platform.python_version()}, {when}")
            preview_cost_map(args.cost_map, args.repeat)
            apply_changes(args.changes)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
