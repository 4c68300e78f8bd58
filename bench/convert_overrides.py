"""Benchmark revision 0006 on PostgreSQL: convert 1,000,000 accounts' legacy model overrides.

Run: .venv/bin/python bench/convert_overrides.py [--accounts 1000000] [--downgrade]
Creates a throwaway database, migrates it to 0005, loads the legacy rows with COPY, times
`flask db upgrade` 0005 → 0006 (and, with --downgrade, back), checks every count, drops it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import Counter
from datetime import datetime, timezone

import flask_migrate
import psycopg
from pg_scratch import PG_ADMIN_URL, throwaway_database

from igny8 import create_app
from igny8.config import TestingConfig
from igny8.extensions import db

BEFORE, TARGET = "0005_link_global_settings", "0006_account_model_overrides"
SLOT_KEYS = {"openai_model": ("openai", "text"), "dalle_model": ("openai", "image"),
             "runware_model": ("runware", "image")}
# The design note's catalogue (ids 1..7); gpt-4-turbo-preview is an alias of id 3.
CATALOGUE = [
    ("openai", "text", "gpt-4o-mini", []), ("openai", "text", "gpt-3.5-turbo", []),
    ("openai", "text", "gpt-4-turbo-2024-04-09", ["gpt-4-turbo-preview"]),
    ("anthropic", "text", "claude-3-5-sonnet-20241022", []),
    ("anthropic", "text", "claude-3-haiku-20240307", []),
    ("runware", "image", "runware-flux-1.1-pro", []), ("openai", "image", "dall-e-3", []),
]
# Override values per slot, cycled with different periods; None: no override for that slot.
CHOICES = {
    "openai_model": ["gpt-4o-mini", "gpt-3.5-turbo", "gpt-4-turbo-preview", "gpt-4o", "gpt-5.2",
                     "gpt-4.1", None],
    "dalle_model": ["dall-e-3", "dall-e-2", None],
    "runware_model": ["runware:97@1", "runware:100@1", "runware-flux-1.1-pro", None, None],
}
# What the migration must do with a legacy Runware id: the catalogue's canonical name.
CANONICAL = {"runware:97@1": "runware-flux-1.1-pro"}
RARE_NAMES = 50  # distinct unknown openai names, one account in 100 uses one of them


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-admin-url", default=os.environ.get("IGNY8_TEST_PG_URL", PG_ADMIN_URL))
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--downgrade", action="store_true", help="also time 0006 → 0005")
    return parser.parse_args()


def legacy_config(number: int) -> dict:
    """The legacy config of account `number`: string overrides plus keys to keep."""
    config: dict = {"api_key": f"sk-legacy-{number}"}
    if number % 100 == 0:
        config["openai_model"] = f"custom-model-{number // 100 % RARE_NAMES}"
    else:
        for slot, choices in CHOICES.items():
            value = choices[number % len(choices)]
            if value is not None:
                config[slot] = value
    if number % 2:
        config["use_cache"] = True
    return config


def load_catalogue(conn: psycopg.Connection, now: datetime) -> None:
    """COPY the note's seven priced, active models in (ids 1..7)."""
    with conn.cursor().copy(
        "COPY igny8_ai_model_config (provider, model_type, model_name, display_name, is_active,"
        " input_price_per_1m, output_price_per_1m, price_per_image, aliases, notes, origin,"
        " price_source, created_at, updated_at) FROM STDIN"
    ) as copy:
        for provider, model_type, name, aliases in CATALOGUE:
            text = model_type == "text"
            copy.write_row((provider, model_type, name, name, True, "0.15" if text else None,
                            "0.60" if text else None, None if text else "0.04",
                            json.dumps(aliases), "", "seed", "", now, now))


def load_legacy_rows(conn: psycopg.Connection, accounts: int) -> Counter:
    """COPY the catalogue, accounts and settings in; return (slot, name) → accounts."""
    now = datetime.now(timezone.utc)
    expected: Counter = Counter()
    load_catalogue(conn, now)
    with conn.cursor().copy("COPY igny8_accounts (id, name, created_at, updated_at)"
                            " FROM STDIN") as copy:
        for number in range(1, accounts + 1):
            copy.write_row((number, f"Account {number}", now, now))
    with conn.cursor().copy("COPY igny8_integration_settings (id, account_id, config, updated_at)"
                            " FROM STDIN") as copy:
        for number in range(1, accounts + 1):
            config = legacy_config(number)
            expected.update((slot, config[slot]) for slot in SLOT_KEYS if slot in config)
            copy.write_row((number, number, json.dumps(config), now))
    for table in ("igny8_accounts", "igny8_integration_settings"):
        conn.execute(f"SELECT setval('{table}_id_seq', {accounts})")
    return expected


def expected_by_id(conn: psycopg.Connection, expected: Counter) -> Counter:
    """(id key, catalogue id) → accounts, resolving each legacy name as the migration should."""
    by_id: Counter = Counter()
    rows = conn.execute("SELECT id, provider, model_type, model_name, aliases"
                        " FROM igny8_ai_model_config").fetchall()
    for (slot, name), count in expected.items():
        candidates = [row for row in rows if tuple(row[1:3]) == SLOT_KEYS[slot]]
        [model_id] = {row[0] for row in candidates
                      if row[3] in (name, CANONICAL.get(name)) or name in row[4]}
        by_id[(f"{slot}_id", model_id)] += count
    return by_id


def converted_by_id(conn: psycopg.Connection) -> Counter:
    """(id key, catalogue id) → accounts, as the converted configs say."""
    rows = conn.execute(
        "SELECT key, value::bigint, count(*) FROM igny8_integration_settings,"
        " jsonb_each_text(config) WHERE key LIKE '%\\_model\\_id' GROUP BY 1, 2"
    ).fetchall()
    return Counter({(key, value): count for key, value, count in rows})


def verify(conn: psycopg.Connection, expected: Counter, accounts: int) -> list[str]:
    """Check the conversion; return the lines to report (raises on a mismatch)."""
    left = conn.execute("SELECT count(*) FROM igny8_integration_settings WHERE config ?| %s",
                        (list(SLOT_KEYS),)).fetchone()[0]
    kept = conn.execute("SELECT count(*) FILTER (WHERE config ? 'api_key'),"
                        " count(*) FILTER (WHERE config ? 'use_cache')"
                        " FROM igny8_integration_settings").fetchone()
    created = conn.execute("SELECT count(*) FROM igny8_ai_model_config"
                           " WHERE origin = 'migration' AND NOT is_active").fetchone()[0]
    assert left == 0, f"{left} configs still hold legacy string overrides"
    assert kept == (accounts, (accounts + 1) // 2), f"other keys lost: {kept}"
    assert converted_by_id(conn) == expected_by_id(conn, expected), "id counts differ"
    return [f"legacy string overrides left: {left}",
            f"configs with api_key / use_cache kept: {kept[0]} / {kept[1]}",
            f"overrides converted: {sum(expected.values())} in {len(expected)} distinct names",
            f"inactive catalogue rows created: {created}"]


def verify_downgrade(conn: psycopg.Connection, expected: Counter) -> str:
    """Check that every override is a string again; return the line to report."""
    id_keys = [f"{slot}_id" for slot in SLOT_KEYS]
    left = conn.execute("SELECT count(*) FROM igny8_integration_settings WHERE config ?| %s",
                        (id_keys,)).fetchone()[0]
    strings = conn.execute(
        "SELECT count(*) FROM igny8_integration_settings, jsonb_each(config)"
        " WHERE key = ANY(%s) AND jsonb_typeof(value) = 'string'", (list(SLOT_KEYS),)
    ).fetchone()[0]
    assert left == 0 and strings == sum(expected.values()), (left, strings)
    return f"after the downgrade: {strings} string overrides, {left} configs with *_model_id keys"


def timed_migration(step, revision: str) -> float:
    """Run a flask_migrate step to `revision`; return the wall time in seconds."""
    started = time.perf_counter()
    step(revision=revision)
    return time.perf_counter() - started


def load(raw_url: str, accounts: int) -> tuple[Counter, float, str]:
    """Load the legacy rows, VACUUM ANALYZE; return expectations, load seconds, server version."""
    with psycopg.connect(raw_url) as conn:
        started = time.perf_counter()
        expected = load_legacy_rows(conn, accounts)
        conn.commit()
        load_time = time.perf_counter() - started
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        return expected, load_time, conn.execute("SHOW server_version").fetchone()[0]


def main() -> None:
    """Create, load, migrate, verify, report, drop."""
    args = parse_args()
    with throwaway_database(args.pg_admin_url) as url:
        app = create_app(TestingConfig(url))
        with app.app_context():
            flask_migrate.upgrade(revision=BEFORE)
            raw_url = url.replace("postgresql+psycopg://", "postgresql://")
            expected, load_time, server = load(raw_url, args.accounts)
            upgrade_time = timed_migration(flask_migrate.upgrade, TARGET)
            with psycopg.connect(raw_url) as conn:
                lines = verify(conn, expected, args.accounts)
            downgrade_time = None
            if args.downgrade:
                downgrade_time = timed_migration(flask_migrate.downgrade, BEFORE)
                with psycopg.connect(raw_url) as conn:
                    lines.append(verify_downgrade(conn, expected))
            db.engine.dispose()
    print(f"\nPostgreSQL {server}, Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"loaded {args.accounts} accounts + settings with COPY in {load_time:.1f} s")
    print(f"upgrade {BEFORE} -> {TARGET}: {upgrade_time:.1f} s"
          f" ({args.accounts / upgrade_time:,.0f} accounts/s)")
    if downgrade_time is not None:
        print(f"downgrade {TARGET} -> {BEFORE}: {downgrade_time:.1f} s")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
