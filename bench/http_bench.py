"""HTTP benchmark: admin pages and the JSON API under load, served by gunicorn, measured by wrk.

Run: .venv/bin/python bench/http_bench.py [--sqlite] [--duration 15] [--profile N] [--accounts N]
     .venv/bin/python bench/http_bench.py --scale [--accounts 1000 300000]  (http_bench_scale.py)
Creates a throwaway database (PostgreSQL on --pg-admin-url by default, a temp file with --sqlite, or
an EMPTY --database-url), runs `flask db upgrade`, loads 1,000 models, the global settings and
10,000 accounts, creates an admin and a read API key with the flask commands, serves the app with
gunicorn (2 sync workers), signs in through the login form, checks every URL answers 200 with the
expected content before and after `wrk`, and counts the SQL queries per request in-process.
Raw wrk output goes to bench/results/. The server is stopped and the database dropped at the end.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import event

from http_bench_checks import TARGETS, Target, check
from http_bench_data import PG_ADMIN_URL, database, seed_accounts, seed_catalogue
from http_bench_http import BIN, CSRF, Client, gunicorn, parse_wrk, run_wrk

from igny8 import create_app
from igny8.extensions import db

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
SECRET_KEY = "igny8-http-bench"
ADMIN_EMAIL, ADMIN_PASSWORD = "bench-admin@igny8.local", "bench-password-123"


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an existing EMPTY database (default: a new one)")
    parser.add_argument("--pg-admin-url", default=os.environ.get("IGNY8_TEST_PG_URL", PG_ADMIN_URL))
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file")
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per URL")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--accounts", type=int, nargs="+", metavar="N",
                        help="accounts to load (default 10000; with --scale: 1000 300000)")
    parser.add_argument("--scale", action="store_true",
                        help="compare the warm cached pages at each --accounts size (PostgreSQL)")
    parser.add_argument("--rounds", type=int, default=2, help="--scale: rounds alternating sizes")
    parser.add_argument("--requests", type=int, default=200,
                        help="--scale: in-process warm requests per page and size")
    parser.add_argument("--only", nargs="+", choices=[t.name for t in TARGETS],
                        help="benchmark only these URLs")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also cProfile N in-process requests per URL (into the results)")
    args = parser.parse_args()
    args.accounts = args.accounts or ([1_000, 300_000] if args.scale else [10_000])
    if min(args.accounts) < 20:
        parser.error("--accounts must be at least 20 (every kind of override needs one)")
    if args.scale and (args.sqlite or args.database_url or len(args.accounts) < 2):
        parser.error("--scale needs PostgreSQL databases of its own and two --accounts sizes")
    return args


def flask(*arguments: str, stdin: str = "") -> str:
    """Run a `flask` command against the benchmark database; its output."""
    done = subprocess.run([str(BIN / "flask"), *arguments], input=stdin, capture_output=True,
                          text=True, cwd=REPO, env=os.environ, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def load_data(app, accounts: int) -> int:
    """Catalogue, global row and accounts in-process; the id of an account overriding all slots."""
    with app.app_context():
        started = time.perf_counter()
        kinds, account_id = seed_accounts(seed_catalogue(), accounts)
        print(f"loaded 1,000 models and {accounts:,} accounts in "
              f"{time.perf_counter() - started:.1f} s: {dict(kinds)}", flush=True)
        db.session.remove()
        db.engine.dispose()
    return account_id


def prepare(app, args: argparse.Namespace) -> tuple[int, str]:
    """Schema, data, admin user and read API key; the account id and the raw key."""
    flask("db", "upgrade")
    account_id = load_data(app, args.accounts[0])
    flask("users", "create", ADMIN_EMAIL, "--role", "admin", "--password-stdin",
          stdin=ADMIN_PASSWORD + "\n")
    printed = flask("api-keys", "create", "http-bench", "--scope", "read").strip().splitlines()
    return account_id, printed[-1].strip()


def headers_for(target: Target, cookie: str, key: str) -> dict[str, str]:
    """The Cookie or Authorization header a target needs."""
    if target.auth == "session":
        return {"Cookie": cookie}
    return {"Authorization": f"Bearer {key}"} if target.auth == "key" else {}


def in_process_get(client, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """GET through Flask's test client; status and body."""
    response = client.get(path, headers=headers)
    return response.status_code, response.get_data(as_text=True)


def count_queries(app, targets, account_id: int, key: str, args, folder: Path) -> dict[str, int]:
    """SQL statements per request for each target, through the test client (second request)."""
    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    client = app.test_client()  # each request pushes its own app context, as under gunicorn
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    form = {"csrf_token": token, "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    if client.post("/auth/login", data=form).status_code != 302:
        raise RuntimeError("in-process sign-in failed")
    statements: list[str] = []

    def record(*event_args) -> None:
        statements.append(event_args[2])

    event.listen(engine, "before_cursor_execute", record)
    for target in targets:
        path = target.path(account_id)
        headers = headers_for(target, "", key)
        status, body = in_process_get(client, path, headers)  # warm-up
        check(target, status, body, account_id)
        statements.clear()
        in_process_get(client, path, headers)
        counts[target.name] = len(statements)
        if args.profile:
            profile(client, target, path, headers, args.profile, folder)
    event.remove(engine, "before_cursor_execute", record)
    engine.dispose()
    return counts


def profile(client, target: Target, path: str, headers, repeat: int, folder: Path) -> None:
    """cProfile `repeat` in-process requests; top functions by cumulative time to a file."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        in_process_get(client, path, headers)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    (folder / f"profile-{target.name}.txt").write_text(out.getvalue())


def load_test(base: str, targets, account_id: int, key: str, args, folder: Path) -> dict:
    """Check, wrk, check again, for every target; parsed wrk figures per target."""
    client = Client(base)
    cookie = client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    figures = {}
    for target in targets:
        path, headers = target.path(account_id), headers_for(target, cookie, key)
        answer = client.request(path, headers=headers)
        check(target, answer.status, answer.body, account_id, answer.location)
        output = run_wrk(base + path, headers, args)
        (folder / f"{target.name}.txt").write_text(f"$ wrk {base}{path}\n{output}")
        answer = client.request(path, headers=headers)
        check(target, answer.status, answer.body, account_id, answer.location)
        figures[target.name] = {**parse_wrk(output), "load": os.getloadavg()[0]}
        print(f"  {target.name}: {figures[target.name]['rps']:.1f} req/s", flush=True)
    return figures


def report(targets, figures: dict, queries: dict, account_id: int) -> str:
    """The Markdown table of the run."""
    lines = ["| URL | req/s | p50 | p99 | non-2xx | queries/request | load | goal |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for target in targets:
        row = figures[target.name]
        goal = "" if target.goal is None else (
            f"≥ {target.goal} req/s: {'met' if row['rps'] >= target.goal else 'MISSED'}")
        lines.append(
            f"| `{target.path(account_id)}` | {row['rps']:.1f} | {row['p50']:.1f} ms "
            f"| {row['p99']:.1f} ms | {row['non_2xx'] + row['socket_errors']:.0f} "
            f"| {queries[target.name]} | {row['load']:.1f} | {goal} |")
    return "\n".join(lines)


def run(url: str, args: argparse.Namespace) -> str:
    """Prepare the database, count queries, load-test under gunicorn; the report."""
    os.environ.update(DATABASE_URL=url, SECRET_KEY=SECRET_KEY, FLASK_APP="wsgi")
    app = create_app()
    account_id, key = prepare(app, args)
    targets = [t for t in TARGETS if not args.only or t.name in args.only]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder = RESULTS / f"{stamp}-{'sqlite' if url.startswith('sqlite') else 'postgresql'}"
    folder.mkdir(parents=True, exist_ok=True)
    queries = count_queries(app, targets, account_id, key, args, folder)
    with gunicorn(dict(os.environ), args.workers, folder / "gunicorn.log", REPO) as base:
        figures = load_test(base, targets, account_id, key, args, folder)
    table = f"{machine(app)}\n\n{report(targets, figures, queries, account_id)}"
    (folder / "summary.md").write_text(table + "\n")
    return table


def machine(app) -> str:
    """CPUs, Python and database versions, for the report."""
    with app.app_context():
        name = db.engine.dialect.name
        version = ".".join(map(str, db.engine.dialect.server_version_info or ()))
        db.engine.dispose()
    return (f"{os.cpu_count()} CPUs; Python {platform.python_version()}; {name} {version}; "
            "load = 1-minute load average when each wrk run ended")


def scale(args: argparse.Namespace) -> None:
    """The --scale case: warm cached pages at each --accounts size, in one run."""
    from http_bench_scale import run_scale

    os.environ.update(SECRET_KEY=SECRET_KEY, FLASK_APP="wsgi")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder = RESULTS / f"{stamp}-scale"
    folder.mkdir(parents=True, exist_ok=True)
    table = run_scale(args, flask, (ADMIN_EMAIL, ADMIN_PASSWORD), REPO, folder)
    (folder / "summary.md").write_text(table + "\n")
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s; gunicorn -w "
          f"{args.workers} (sync); {os.cpu_count()} CPUs\n\n{table}")


def main() -> None:
    """Entry point."""
    args = parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.scale:
        return scale(args)
    command = f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency"
    with database(args) as url:
        table = run(url, args)
    print(f"\n{command}; gunicorn -w {args.workers} (sync)\n\n{table}")


if __name__ == "__main__":
    main()
