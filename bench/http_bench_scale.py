"""Scale benchmark: warm cached pages cost the same at 1,000 and at 300,000 accounts.

Run: .venv/bin/python bench/http_bench.py --scale [--accounts 1000 300000] [--duration 8]
One throwaway PostgreSQL database per size (`flask db upgrade`, the HTTP benchmark's 1,000 models
and global row, the accounts and their settings loaded with COPY), one gunicorn per database.
For the warm catalogue list, global settings form and API models list: the median of in-process
warm requests (Flask test client, each request in its own app context as under gunicorn),
alternating the sizes request by request, then `wrk` in rounds alternating the sizes, so both
see the same machine load. The cost ratio
(largest size against smallest) must be <= 1.5 for every page.
"""
from __future__ import annotations

import os
import statistics
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg
from sqlalchemy import event

from http_bench_checks import TARGETS, check
from http_bench_data import account_config, postgres_database, seed_catalogue
from http_bench_http import CSRF, Client, gunicorn, parse_wrk, run_wrk

from igny8 import create_app
from igny8.config import normalise_database_url
from igny8.extensions import db
from igny8.models.accounts import account_name_key

SCALE_TARGETS = [t for t in TARGETS if t.name in ("catalogue_list", "global_settings",
                                                  "api_models")]
RATIO_LIMIT = 1.5


def copy_accounts(url: str, groups, count: int) -> None:
    """`count` accounts shaped like the HTTP benchmark's, ids 1..count, loaded with COPY."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn, conn.cursor() as cursor:
        with cursor.copy("COPY igny8_accounts (id, name, name_key, created_at, updated_at)"
                         " FROM STDIN") as cp:
            for index in range(count):
                name = f"Customer {index:06d}"
                cp.write_row((index + 1, name, account_name_key(name), "now", "now"))
        with cursor.copy("COPY igny8_integration_settings (account_id, config, updated_at, version)"
                         " FROM STDIN") as cp:
            for index in range(count):
                config = account_config(groups, index)[1]
                if config is not None:
                    cp.write_row((index + 1, psycopg.types.json.Jsonb(config), "now", 1))
        cursor.execute("SELECT setval(pg_get_serial_sequence('igny8_accounts', 'id'), %s)",
                       (count,))
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def prepare_size(url: str, count: int, flask, admin: tuple[str, str]) -> str:
    """Schema, models, accounts, the admin and a read key in the database at `url`; the key."""
    os.environ["DATABASE_URL"] = url
    flask("db", "upgrade")
    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        groups = seed_catalogue()
        db.session.remove()
        db.engine.dispose()
    copy_accounts(url, groups, count)
    print(f"{count:,} accounts loaded in {time.perf_counter() - started:.1f} s", flush=True)
    flask("users", "create", admin[0], "--role", "admin", "--password-stdin",
          stdin=admin[1] + "\n")
    return flask("api-keys", "create", "scale", "--scope", "read").strip().splitlines()[-1]


class InProcess:
    """A signed-in test client on one database, timing warm requests."""

    def __init__(self, url: str, admin: tuple[str, str], key: str) -> None:
        os.environ["DATABASE_URL"] = url
        self.app = create_app()
        self.client = self.app.test_client()
        self.key = key
        page = self.client.get("/auth/login").get_data(as_text=True)
        form = {"csrf_token": CSRF.search(page).group(1), "email": admin[0], "password": admin[1]}
        if self.client.post("/auth/login", data=form).status_code != 302:
            raise RuntimeError("in-process sign-in failed")
        with self.app.app_context():
            self.engine = db.engine

    def headers(self, target) -> dict[str, str]:
        """The API key header for the API, none for the signed-in pages."""
        return {"Authorization": f"Bearer {self.key}"} if target.auth == "key" else {}

    def get(self, target) -> str:
        """One GET (its own app context, pushed by the client); the checked body."""
        response = self.client.get(target.path(0), headers=self.headers(target))
        check(target, response.status_code, response.get_data(as_text=True), 0)
        return response.get_data(as_text=True)

    def queries(self, target) -> int:
        """Statements of a warm request."""
        self.get(target)
        statements: list[str] = []
        record = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(self.engine, "before_cursor_execute", record)
        try:
            self.get(target)
        finally:
            event.remove(self.engine, "before_cursor_execute", record)
        return len(statements)

    def timing(self, target) -> float:
        """Milliseconds of one request."""
        started = time.perf_counter()
        self.get(target)
        return (time.perf_counter() - started) * 1000


def in_process(sizes, clients, args, results: dict) -> None:
    """Warm in-process requests, alternating the sizes request by request (same load for both)."""
    for target in SCALE_TARGETS:
        for size in sizes:
            clients[size].get(target)
        for _ in range(args.requests):
            for size in sizes:
                results[size, target.name]["ms"].append(clients[size].timing(target))
        print(f"  in-process {target.name}: " + ", ".join(
            f"{size:,} accounts {statistics.median(results[size, target.name]['ms']):.2f} ms"
            for size in sizes), flush=True)


def measure(sizes, servers, clients, keys, args, folder: Path) -> dict:
    """Per (size, page): in-process timings, then wrk figures in rounds alternating the sizes."""
    results = {(size, t.name): {"wrk": [], "ms": []} for size in sizes for t in SCALE_TARGETS}
    in_process(sizes, clients, args, results)
    for round_no in range(args.rounds):
        for size in sizes:
            for target in SCALE_TARGETS:
                entry = results[size, target.name]
                headers = servers[size][1] if target.auth == "session" else {
                    "Authorization": f"Bearer {keys[size]}"}
                output = run_wrk(servers[size][0] + target.path(0), headers, args)
                (folder / f"scale-{size}-{target.name}-{round_no}.txt").write_text(output)
                entry["wrk"].append({**parse_wrk(output), "load": os.getloadavg()[0]})
                print(f"  wrk round {round_no + 1}, {size:,} accounts, {target.name}: "
                      f"{entry['wrk'][-1]['rps']:.1f} req/s", flush=True)
    return results


def report(sizes, results: dict, queries: dict) -> tuple[str, bool]:
    """The Markdown table and whether every ratio is within the limit."""
    small, large = sizes[0], sizes[-1]
    lines = [f"| page | req/s at {small:,} | req/s at {large:,} | in-process median at {small:,}"
             f" | at {large:,} | ratio (wrk / in-process) | queries | load |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    ok = True
    for target in SCALE_TARGETS:
        rps = {s: statistics.median(r["rps"] for r in results[s, target.name]["wrk"])
               for s in sizes}
        ms = {s: statistics.median(results[s, target.name]["ms"]) for s in sizes}
        ratios = (rps[small] / rps[large], ms[large] / ms[small])
        ok = ok and max(ratios) <= RATIO_LIMIT
        loads = [r["load"] for s in sizes for r in results[s, target.name]["wrk"]]
        lines.append(
            f"| `{target.path(0)}` | {rps[small]:.1f} | {rps[large]:.1f} | {ms[small]:.2f} ms"
            f" | {ms[large]:.2f} ms | {ratios[0]:.2f} / {ratios[1]:.2f} "
            f"| {queries[small, target.name]} / {queries[large, target.name]} "
            f"| {min(loads):.1f}-{max(loads):.1f} |")
    return "\n".join(lines), ok


def run_scale(args, flask, admin: tuple[str, str], repo: Path, folder: Path) -> str:
    """Prepare one database per size, serve each with gunicorn, measure; the report."""
    sizes = sorted(args.accounts)
    with ExitStack() as stack:
        urls = {s: normalise_database_url(stack.enter_context(postgres_database(args.pg_admin_url)))
                for s in sizes}
        keys = {s: prepare_size(urls[s], s, flask, admin) for s in sizes}
        clients = {s: InProcess(urls[s], admin, keys[s]) for s in sizes}
        queries = {(s, t.name): clients[s].queries(t) for s in sizes for t in SCALE_TARGETS}
        servers = {}
        for size in sizes:
            env = {**os.environ, "DATABASE_URL": urls[size]}
            base = stack.enter_context(gunicorn(env, args.workers,
                                                folder / f"gunicorn-{size}.log", repo))
            servers[size] = (base, {"Cookie": Client(base).login(*admin)})
        results = measure(sizes, servers, clients, keys, args, folder)
        for client in clients.values():
            with client.app.app_context():
                db.engine.dispose()
    table, ok = report(sizes, results, queries)
    verdict = f"ratio <= {RATIO_LIMIT} for every page: {'met' if ok else 'MISSED'}"
    return f"{table}\n\n{verdict}"
