"""Re-costing 1,000,000 records of one model on PostgreSQL after a retroactive price correction.

Run: .venv/bin/python bench/recost_bench.py [--records 1000000] [--batch-size 20000]
Creates a throwaway database, one text model priced since 1970, 40 accounts and N records over
90 days (by INSERT ... SELECT generate_series, costed in SQL exactly as costing.cost_of costs
them) with their daily rollups, then inserts a version dated before the first record (every
record changes) and times services.recosting: the preview, the run (batches of --batch-size),
and a second run (nothing changes). Checks the rollups against the records' sums and the
preview against the applied result.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal

from pg_scratch import PG_ADMIN_URL, throwaway_database
from usage_bulk import ROLLUP as ROLLUPS
from sqlalchemy import text

from igny8 import create_app
from igny8.config import TestingConfig
from igny8.extensions import db
from igny8.models import Account, AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.services import audit, recosting

START = datetime(2026, 9, 1, tzinfo=timezone.utc)
RECORDS = """
INSERT INTO igny8_usage_records (request_id, account_id, model_id, occurred_at, input_tokens,
    cached_input_tokens, output_tokens, images, cost, price_version_id, created_at)
SELECT 'bench-' || g, 1 + g % 40, :model, :start + g * (interval '90 days' / :n),
       1000 + g % 5000, (1000 + g % 5000) / 10, 200 + g % 800, 0,
       (1000 + g % 5000 - (1000 + g % 5000) / 10) * 150000 + (1000 + g % 5000) / 10 * 75000
         + (200 + g % 800) * 600000, :version, now()
FROM generate_series(1, :n) AS g
"""
MISMATCHES = """
SELECT count(*) FROM igny8_usage_daily d FULL JOIN (
  SELECT account_id, model_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, sum(cost) AS cost
  FROM igny8_usage_records GROUP BY 1, 2, 3) r USING (account_id, model_id, day)
WHERE d.cost IS DISTINCT FROM r.cost
"""


def load(records: int) -> AIModelConfig:
    """The model, its 1970 version, 40 accounts, the records and their rollups."""
    model = AIModelConfig(provider="openai", model_type="text", model_name="bench-recost",
                          display_name="Bench Recost", is_active=True,
                          input_price_per_1m=Decimal("0.15"),
                          cached_input_price_per_1m=Decimal("0.075"),
                          output_price_per_1m=Decimal("0.60"))
    db.session.add(model)
    db.session.add_all(Account(name=f"Bench account {n}") for n in range(40))
    db.session.flush()
    version = _version(model, datetime(1970, 1, 1, tzinfo=timezone.utc), "0.15", "0.075", "0.60")
    db.session.execute(text(RECORDS), {"model": model.id, "start": START, "n": records,
                                       "version": version.id})
    db.session.execute(text(ROLLUPS))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    return model


def _version(model, effective_from, input_price, cached, output) -> ModelPriceVersion:
    """A price version of the model, flushed."""
    version = ModelPriceVersion(model_id=model.id, effective_from=effective_from,
                                input_price_per_1m=Decimal(input_price),
                                cached_input_price_per_1m=Decimal(cached),
                                output_price_per_1m=Decimal(output), created_by="bench")
    db.session.add(version)
    db.session.flush()
    return version


def timed(label: str, call):
    """Run `call`, print its wall time, return its result."""
    began = time.perf_counter()
    result = call()
    print(f"{label}: {time.perf_counter() - began:.2f} s", flush=True)
    return result


def bench(args: argparse.Namespace, url: str) -> None:
    """Load, correct, preview, run, run again; print the figures and the checks."""
    app = create_app(TestingConfig(url))
    with app.app_context():
        db.create_all()
        model = timed(f"load {args.records:,} records + rollups", lambda: load(args.records))
        _version(model, datetime(2026, 8, 1, tzinfo=timezone.utc), "0.20", "0.10", "0.80")
        db.session.commit()
        shown = timed("preview", lambda: recosting.preview(model.id, START))
        run = timed(f"run (batches of {args.batch_size:,})", lambda: recosting.apply_now(
            model.id, START, None, audit.CLI, batch_size=args.batch_size))
        again = timed("second run", lambda: recosting.apply_now(
            model.id, START, None, audit.CLI, batch_size=args.batch_size))
        mismatches = db.session.scalar(text(MISMATCHES))
        timed("baseline: one bare UPDATE of every record's cost (rolled back)", lambda: (
            db.session.execute(text("UPDATE igny8_usage_records SET cost = cost + 1")),
            db.session.rollback()))
        print(f"records {run.records_done:,}, changed {run.records_changed:,} (preview"
              f" {shown.totals.changed:,}); second run changed {again.records_changed:,};"
              f" total {run.total_before} -> {run.total_after} (preview {shown.totals.after});"
              f" rollup rows not matching their records: {mismatches}")
        db.session.remove()
        db.engine.dispose()


def main(argv=None) -> int:
    """Parse the options and run the benchmark on a throwaway database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=recosting.BATCH_SIZE)
    parser.add_argument("--pg-admin-url", default=os.environ.get("IGNY8_TEST_PG_URL",
                                                                 PG_ADMIN_URL))
    args = parser.parse_args(argv)
    with throwaway_database(args.pg_admin_url) as url:
        bench(args, url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
