"""Generate a usage ledger on PostgreSQL: 10,000,000 records by COPY, costed exactly, rolled up.

Run: .venv/bin/python bench/usage_generate.py [--records 10000000] [--keep] [--database-url URL]
Creates a throwaway database (or uses an EMPTY one given), migrates it, seeds the 1,000-model
catalogue of the HTTP benchmark, 40 accounts and price versions (cuts, raises, a long-context
tier, a scheduled change; bench/usage_plan.py), then streams N records over 90 days through
COPY with the ledger's secondary indexes and foreign keys dropped, rebuilds them, builds
igny8_usage_daily with one INSERT ... SELECT ... GROUP BY, checks a sample of costs against
igny8.services.costing, and reports rows/s per phase. --keep leaves the database for
bench/usage_bench.py and prints its URL.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import psycopg
from http_bench_data import PG_ADMIN_URL, seed_catalogue
from usage_plan import VersionIndex, create_accounts, create_versions, in_use, usage_plan
from usage_bulk import add_rollups, check_costs, rebuild, strip, table_sizes

from igny8 import create_app
from igny8.extensions import db
from igny8.services.demo_usage import ACCOUNT_NAMES, raw_draws

BIN = os.path.dirname(sys.executable)
NULL = "\\N"
COLUMNS = ("request_id", "account_id", "model_id", "slot", "occurred_at", "input_tokens",
           "cached_input_tokens", "output_tokens", "images", "cost", "price_version_id",
           "created_at")


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-admin-url", default=os.environ.get("IGNY8_TEST_PG_URL", PG_ADMIN_URL))
    parser.add_argument("--database-url", help="an existing EMPTY PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args(argv)


def create_database(admin_url: str) -> str:
    """A new uniquely named database; its plain postgresql:// URL."""
    name = f"igny8_usage_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, url: str) -> None:
    """Drop the database at `url`."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def migrate(url: str) -> None:
    """`flask db upgrade` against the database."""
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "usage-bench-secret")}
    subprocess.run([os.path.join(BIN, "flask"), "db", "upgrade"], env=env, check=True,
                   capture_output=True, cwd=os.path.dirname(os.path.dirname(__file__)))


def seed(app, args, start: datetime, now: datetime):
    """Catalogue, versions, accounts; the usage plan and the version index."""
    with app.app_context():
        groups = seed_catalogue()
        text, image = in_use(groups)
        used = create_versions(text, image, start, now)
        account_ids = create_accounts(list(ACCOUNT_NAMES))
        db.session.commit()
        plan = usage_plan(account_ids, text, image, start, args.days, args.seed)
        db.session.remove()
        db.engine.dispose()
    return plan, VersionIndex(used, start)


def cost_pico(rates, inputs: int, cached: int, outputs: int, images: int) -> int:
    """The exact cost of one request in pico-dollars (tier as a cliff on the whole request)."""
    if images:
        return images * rates.image * 1_000_000
    price_in, price_cached, price_out = rates.input, rates.cached, rates.output
    if rates.threshold is not None and inputs > rates.threshold:
        price_in, price_cached, price_out = rates.tier
    return (inputs - cached) * price_in + cached * price_cached + outputs * price_out


def lines(plan, index: VersionIndex, args, chunk: int = 5_000):
    """COPY text for N records, `chunk` lines at a time."""
    hours = [f"{plan.start + timedelta(hours=n):%Y-%m-%d %H}:" for n in range(args.days * 24)]
    seconds = [f"{n // 60:02d}:{n % 60:02d}+00" for n in range(3600)]
    buffer = []
    stream = raw_draws(plan, args.records, random.Random(args.seed))
    for number, (account_id, model_id, slot, offset, inputs, cached, outputs, images) in \
            enumerate(stream):
        rates = index.at(model_id, offset)
        moment = hours[offset // 3600] + seconds[offset % 3600]
        buffer.append(
            f"b{args.seed}-{number}\t{account_id}\t{model_id}\t{slot or NULL}\t{moment}\t"
            f"{inputs}\t{cached}\t{outputs}\t{images}\t"
            f"{cost_pico(rates, inputs, cached, outputs, images)}\t{rates.version_id}\t"
            f"{moment}\n")
        if len(buffer) == chunk:
            yield "".join(buffer)
            buffer.clear()
    if buffer:
        yield "".join(buffer)


def copy_records(url: str, plan, index: VersionIndex, args) -> float:
    """Stream the records through COPY in one transaction; the seconds it took."""
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        with conn.cursor().copy(
                f"COPY igny8_usage_records ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for done, text in enumerate(lines(plan, index, args)):
                copy.write(text)
                if done % 200 == 199:
                    print(f"  {(done + 1) * 5_000:,} records, "
                          f"{time.perf_counter() - started:.0f} s", flush=True)
    return time.perf_counter() - started


def timed(label: str, records: int, work) -> float:
    """Run `work()`, print its time and rate; the seconds."""
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s ({records / seconds:,.0f} records/s)", flush=True)
    return seconds


def generate(url: str, args) -> dict:
    """The whole load into the database at `url`; the phase timings."""
    now = datetime.now(timezone.utc)
    start = datetime.combine(now.date() - timedelta(days=args.days), datetime.min.time(),
                             tzinfo=timezone.utc)
    os.environ.update(DATABASE_URL=url, SECRET_KEY=os.environ.get("SECRET_KEY", "usage-bench"))
    figures = {"migrate+seed": -time.perf_counter()}
    migrate(url)
    plan, index = seed(create_app(), args, start, now)
    figures["migrate+seed"] += time.perf_counter()
    print(f"period {start:%Y-%m-%d} .. {start + timedelta(days=args.days):%Y-%m-%d}; "
          f"{len(plan.account_ids)} accounts", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        saved = strip(conn)
        figures["copy"] = copy_records(url, plan, index, args)
        print(f"COPY: {figures['copy']:.1f} s ({args.records / figures['copy']:,.0f} records/s)")
        figures["indexes+keys"] = timed("indexes and keys", args.records,
                                        lambda: rebuild(conn, saved))
        figures["rollups"] = timed("rollups (INSERT ... SELECT ... GROUP BY)", args.records,
                                   lambda: add_rollups(conn))
        figures["vacuum analyze"] = timed("VACUUM ANALYZE", args.records,
                                          lambda: conn.execute("VACUUM ANALYZE"))
        print(check_costs(conn, url))
        print(table_sizes(conn))
    return figures


def main() -> None:
    """Entry point."""
    args = parse_args()
    url = args.database_url or create_database(args.pg_admin_url)
    began = time.perf_counter()
    try:
        figures = generate(url, args)
    except BaseException:
        if not args.database_url:  # a failed load is never kept
            drop_database(args.pg_admin_url, url)
        raise
    total = time.perf_counter() - began
    print(f"\n{args.records:,} records in {total:.0f} s ({args.records / total:,.0f} records/s "
          f"end to end); load average {os.getloadavg()}; {os.cpu_count()} CPUs")
    print({name: round(seconds, 1) for name, seconds in figures.items()})
    if args.keep or args.database_url:
        print(f"database kept: {url}")
    else:
        drop_database(args.pg_admin_url, url)


if __name__ == "__main__":
    main()
