"""Benchmark model resolution on PostgreSQL: resolve_many for every slot vs resolve per account.

Run: .venv/bin/python bench/resolve_accounts.py [--accounts 10000] [--single 1000]
By default a throwaway database is created on the server of --pg-admin-url and dropped at the end;
--database-url uses an existing empty database instead (its tables are dropped at the end).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal

from pg_scratch import PG_ADMIN_URL, throwaway_database
from sqlalchemy import event, func, insert, inspect, select

from igny8 import create_app
from igny8.config import TestingConfig, normalise_database_url
from igny8.extensions import db
from igny8.models import SLOTS, Account, AIModelConfig, GlobalIntegrationSettings
from igny8.models import IntegrationSettings
from igny8.services.resolution import resolve, resolve_many

TEXT_PRICES = {"input_price_per_1m": Decimal("0.15"), "output_price_per_1m": Decimal("0.60")}
IMAGE_PRICE = {"price_per_image": Decimal("0.04")}
# (provider, type, model_name, active): shaped like the seeded catalogue, some models retired.
CATALOGUE = [
    ("openai", "text", "gpt-4o-mini", True), ("openai", "text", "gpt-4o", True),
    ("openai", "text", "gpt-4.1", True), ("openai", "text", "gpt-4.1-mini", True),
    ("openai", "text", "gpt-4-turbo-2024-04-09", True), ("openai", "text", "gpt-5.1", True),
    ("openai", "text", "gpt-3.5-turbo", False), ("openai", "text", "gpt-4-turbo-preview", False),
    ("anthropic", "text", "claude-3-5-sonnet-20241022", True),
    ("anthropic", "text", "claude-3-haiku-20240307", True),
    ("anthropic", "text", "claude-2.1", False),
    ("openai", "image", "dall-e-3", True), ("openai", "image", "gpt-image-1", True),
    ("openai", "image", "dall-e-2", False),
    ("runware", "image", "runware-flux-1.1-pro", True), ("runware", "image", "runware:97@1", True),
    ("runware", "image", "runware:100@1", True), ("runware", "image", "runware:101@1", True),
    ("runware", "image", "runware:sdxl", False), ("runware", "image", "runware:sd15", False),
]


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an existing EMPTY database (default: a new one)")
    parser.add_argument("--pg-admin-url", default=os.environ.get("IGNY8_TEST_PG_URL", PG_ADMIN_URL))
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=1_000, help="accounts for plain resolve")
    parser.add_argument("--repeat", type=int, default=3, help="runs per slot; the median is shown")
    return parser.parse_args()


def seed_catalogue() -> dict[tuple[str, str, bool], list[int]]:
    """Insert the catalogue and the global row; model ids grouped by (provider, type, active)."""
    groups: dict[tuple[str, str, bool], list[int]] = {}
    for provider, model_type, name, active in CATALOGUE:
        prices = TEXT_PRICES if model_type == "text" else IMAGE_PRICE
        model = AIModelConfig(provider=provider, model_type=model_type, model_name=name,
                              display_name=name, is_active=active, aliases=[], **prices)
        db.session.add(model)
        db.session.flush()
        groups.setdefault((provider, model_type, active), []).append(model.id)
    first = {key: ids[0] for key, ids in groups.items()}
    db.session.add(GlobalIntegrationSettings(
        id=1, openai_model_id=first["openai", "text", True],
        dalle_model_id=first["openai", "image", True],
        runware_model_id=first["runware", "image", True],
        text_model_id=first["anthropic", "text", True]))
    db.session.commit()
    return groups


def override_config(groups, index: int, active: bool) -> dict:
    """An override for every slot, picking models of the slot's kind that are (in)active."""
    config = {"api_key": f"key-{index}"}
    for slot in SLOTS.values():
        provider = slot.provider or ("anthropic" if index % 2 else "openai")
        ids = groups[provider, slot.model_type, active]
        config[slot.config_key] = ids[index % len(ids)]
    return config


def seed_accounts(groups, count: int) -> Counter:
    """Insert `count` accounts in thirds: no settings, valid overrides, inactive overrides."""
    rows = [{"name": f"Account {i}"} for i in range(count)]
    ids = db.session.scalars(insert(Account).returning(Account.id), rows).all()
    kinds = Counter()
    settings = []
    for index, account_id in enumerate(ids):
        kind = ("no settings", "valid overrides", "inactive overrides")[index % 3]
        kinds[kind] += 1
        if kind != "no settings":
            config = override_config(groups, index, kind == "valid overrides")
            settings.append({"account_id": account_id, "config": config})
    db.session.execute(insert(IntegrationSettings), settings)
    db.session.commit()
    return kinds


@contextmanager
def counting():
    """Count the statements sent to the database while the block runs."""
    statements: list[str] = []

    def record(*args) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def fresh_accounts(limit: int | None = None) -> list[Account]:
    """Accounts loaded in a new session, their settings not loaded yet."""
    db.session.remove()
    return db.session.scalars(select(Account).order_by(Account.id).limit(limit)).all()


def time_many(slot: str, repeat: int) -> tuple[float, int, Counter]:
    """Median wall time of resolve_many over all accounts, its query count and the sources."""
    times = []
    for _ in range(repeat):
        accounts = fresh_accounts()
        with counting() as statements:
            started = time.perf_counter()
            result = resolve_many(accounts, slot)
            times.append(time.perf_counter() - started)
    return statistics.median(times), len(statements), Counter(r.source for r in result.values())


def time_single(slot: str, limit: int) -> tuple[float, int]:
    """Wall time and query count of plain resolve() called once per account."""
    accounts = fresh_accounts(limit)
    with counting() as statements:
        started = time.perf_counter()
        for account in accounts:
            resolve(account, slot)
        elapsed = time.perf_counter() - started
    return elapsed, len(statements)


def report(args, kinds: Counter) -> None:
    """Print the figures as Markdown tables."""
    total = sum(kinds.values())
    version = db.session.scalar(select(func.version())).split(" on ")[0]
    print(f"{version}; Python {platform.python_version()}; {os.cpu_count()} CPUs")
    print(f"accounts: {total} ({', '.join(f'{n} {k}' for k, n in kinds.items())})\n")
    print("| slot | resolve_many wall | accounts/s | queries | sources |")
    print("| --- | --- | --- | --- | --- |")
    for slot in SLOTS:
        elapsed, queries, sources = time_many(slot, args.repeat)
        shown = ", ".join(f"{k} {n}" for k, n in sorted(sources.items()))
        print(f"| {slot} | {elapsed * 1000:.0f} ms | {total / elapsed:,.0f} | {queries}"
              f" | {shown} |")
    print(f"\n| slot | resolve x {args.single} | accounts/s | queries | ms/account |")
    print("| --- | --- | --- | --- | --- |")
    for slot in SLOTS:
        elapsed, queries = time_single(slot, args.single)
        print(f"| {slot} | {elapsed * 1000:.0f} ms | {args.single / elapsed:,.0f} | {queries}"
              f" | {elapsed * 1000 / args.single:.2f} |")


def run(url: str, args: argparse.Namespace) -> None:
    """Build the schema, seed, measure, then drop the tables and release the connections."""
    app = create_app(TestingConfig(url))
    with app.app_context():
        if inspect(db.engine).get_table_names():
            db.engine.dispose()
            raise SystemExit(f"{url} already has tables: the benchmark needs an empty database")
        db.create_all()
        try:
            kinds = seed_accounts(seed_catalogue(), args.accounts)
            report(args, kinds)
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def main() -> None:
    """Entry point."""
    args = parse_args()
    if args.database_url:
        run(normalise_database_url(args.database_url), args)
        return
    with throwaway_database(args.pg_admin_url) as url:
        run(url, args)


if __name__ == "__main__":
    main()
