"""Cache-miss benchmark: igny8's catalogue list against Django 5.2's admin changelist, interleaved.

Run: .venv/bin/python bench/list_miss_bench.py [--sqlite] [--rounds 3] [--duration 15]
Seeds the Django peer (../shared/peers/django_admin, run from there, never copied) with 1,000
models and 1,000 accounts in a SQLite file, copies its catalog_aimodelconfig rows, accounts and
global slots into a throwaway igny8 database (PostgreSQL by default), serves both with gunicorn
(2 sync workers, --no-control-socket), signs in to both through their login forms, checks the
pages, then alternates wrk runs (Django, igny8, Django, ...) with a Lua script walking a shuffled
URL list: random page 1-10 x every sort order, 100 rows per page. Each igny8 URL is distinct for
its page cache (the page number is zero-padded in 20 ways: `page=03` shows page 3), so every
request is a miss of the rendered-page cache. Raw output goes to bench/results/<time>-list-miss/.
"""
from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from http_bench_data import PG_ADMIN_URL, database
from http_bench_http import BIN, Client, free_port, gunicorn
from list_miss_wrk import (
    check_pages,
    igny8_in_process,
    interleave,
    peer_in_process,
    report,
    url_lists,
)
from sqlalchemy import insert

from igny8 import create_app
from igny8.extensions import db
from igny8.models import Account, AIModelConfig, GlobalIntegrationSettings, IntegrationSettings

# What a checked page must hold: 100 rows of a list, or the global form's four slot selects.
ROWS = {
    "miss": {"igny8": (re.compile(r'name="ids" value='), 100),
             "django": (re.compile(r'class="action-select"'), 100)},
    "first": {"igny8": (re.compile(r'name="ids" value='), 100),
              "django": (re.compile(r'class="action-select"'), 100)},
    "global": {"igny8": (re.compile(r'<select[^>]*name="(?:openai|dalle|runware|text)_model"'), 4),
               "django": (re.compile(r'<select[^>]*name="(?:openai|dalle|runware)_model"'), 3)},
}
REPO = Path(__file__).resolve().parent.parent
PEER = (REPO / ".." / "shared" / "peers" / "django_admin").resolve()
PEER_VENV = Path(os.environ.get("DJPEER_VENV", "/tmp/djpeer-venv"))
RESULTS = REPO / "bench" / "results"
EMAIL, PASSWORD = "bench-admin@igny8.local", "bench-password-123"
PEER_USER, PEER_PASSWORD = "admin", "admin-workshop-pw"


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="igny8 on a SQLite file too")
    parser.add_argument("--pg-admin-url", default=os.environ.get("IGNY8_TEST_PG_URL", PG_ADMIN_URL))
    parser.add_argument("--database-url", help="an existing EMPTY database for igny8")
    parser.add_argument("--rounds", type=int, default=3, help="Django/igny8 pairs of wrk runs")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7, help="of the shuffled URL lists")
    parser.add_argument("--pages", choices=("miss", "first", "global"), default="miss",
                        help="miss: random page x sort (cache misses); first: the list's first "
                             "page; global: the global settings form")
    parser.add_argument("--in-process", type=int, default=200, metavar="N",
                        help="also time N requests inside one process of each (0: skip)")
    return parser.parse_args()


def peer(env: dict, *arguments: str) -> str:
    """Run the peer's manage.py from its own folder with its own venv; its output."""
    done = subprocess.run([str(PEER_VENV / "bin" / "python"), "manage.py", *arguments],
                          cwd=PEER, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(arguments)}:\n{done.stdout}{done.stderr}")
    return done.stdout


def seed_peer(folder: Path) -> dict:
    """Migrate and seed the peer's SQLite file (1,000 models, 1,000 accounts); its environment."""
    if not (PEER_VENV / "bin" / "gunicorn").exists():
        raise SystemExit(f"{PEER_VENV} lacks gunicorn: run ../shared/peers/django_admin/"
                         "run_bench.sh once, or python3 -m venv it and pip install django gunicorn")
    env = {**os.environ, "DJPEER_DB": str(folder / "peer.sqlite3"),
           "DJANGO_SUPERUSER_PASSWORD": PEER_PASSWORD}
    peer(env, "migrate", "-v0")
    print(peer(env, "seed_peer", "--n", "1000", "--accounts", "1000").strip(), flush=True)
    peer(env, "createsuperuser", "--noinput", "--username", PEER_USER,
         "--email", "admin@example.com")
    return env


def money(value) -> Decimal | None:
    """A price read from SQLite (stored as a number) as a Decimal."""
    return None if value is None else Decimal(str(value))


def peer_rows(path: str) -> tuple[list[dict], list[str], dict[str, str]]:
    """The peer's models (as igny8 rows), account names and global slots (model names)."""
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        models = [{"model_name": r["model_name"], "display_name": r["display_name"],
                   "provider": r["provider"], "model_type": r["model_type"],
                   "is_active": bool(r["is_active"]),
                   "input_price_per_1m": money(r["input_cost_per_1m"]),
                   "output_price_per_1m": money(r["output_cost_per_1m"]),
                   "price_per_image": money(r["cost_per_image"]),
                   "max_output_tokens": r["max_output_tokens"],
                   "context_window": r["context_window"], "origin": "seed"}
                  for r in conn.execute("SELECT * FROM catalog_aimodelconfig ORDER BY id")]
        accounts = [r[0] for r in conn.execute("SELECT name FROM catalog_account ORDER BY id")]
        slots = dict(conn.execute(
            "SELECT 'openai_model_id', m.model_name FROM catalog_globalintegrationsettings g"
            " JOIN catalog_aimodelconfig m ON m.id = g.openai_model_id UNION ALL "
            "SELECT 'dalle_model_id', m.model_name FROM catalog_globalintegrationsettings g"
            " JOIN catalog_aimodelconfig m ON m.id = g.dalle_model_id UNION ALL "
            "SELECT 'runware_model_id', m.model_name FROM catalog_globalintegrationsettings g"
            " JOIN catalog_aimodelconfig m ON m.id = g.runware_model_id").fetchall())
    return models, accounts, slots


def copy_into_igny8(app, peer_db: str) -> None:
    """The peer's rows in igny8's tables: models, global slots, accounts overriding them."""
    models, accounts, slots = peer_rows(peer_db)
    with app.app_context():
        ids = db.session.scalars(insert(AIModelConfig).returning(AIModelConfig.id,
                                                                 sort_by_parameter_order=True),
                                 models).all()
        by_name = {row["model_name"]: model_id for row, model_id in zip(models, ids)}
        config = {slot: by_name[name] for slot, name in slots.items()}
        db.session.add(GlobalIntegrationSettings(id=1, **config))
        account_ids = db.session.scalars(insert(Account).returning(
            Account.id, sort_by_parameter_order=True), [{"name": n} for n in accounts]).all()
        db.session.execute(insert(IntegrationSettings), [
            {"account_id": account_id, "config": dict(config)} for account_id in account_ids])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    print(f"copied {len(models)} models and {len(accounts)} accounts into igny8", flush=True)


def flask(*arguments: str, stdin: str = "") -> None:
    """Run a `flask` command against the igny8 benchmark database."""
    done = subprocess.run([str(BIN / "flask"), *arguments], input=stdin, capture_output=True,
                          text=True, cwd=REPO, env=os.environ, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")


@contextmanager
def peer_server(env: dict, log: Path):
    """The peer under gunicorn (2 sync workers) on a free port; stopped by its pid afterwards."""
    port = free_port()
    command = [str(PEER_VENV / "bin" / "gunicorn"), "--workers", "2", "--worker-class", "sync",
               "--no-control-socket", "--bind", f"127.0.0.1:{port}", "--chdir", str(PEER),
               "peer.wsgi:application"]
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        try:
            wait_for(f"http://127.0.0.1:{port}/admin/login/", server)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=15)


def wait_for(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    """Poll `url` until it answers; fail when the server exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with {server.returncode}")
        if subprocess.run(["curl", "-s", "-o", "/dev/null", url]).returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


def peer_login(base: str) -> str:
    """Sign in to the Django admin through its form; the Cookie header value."""
    client = Client(base)
    page = client.request("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    answer = client.request("/admin/login/", {"csrfmiddlewaretoken": token,
                                              "username": PEER_USER, "password": PEER_PASSWORD,
                                              "next": "/admin/"},
                            headers={"Referer": base + "/admin/login/"})
    if answer.status != 302:
        raise RuntimeError(f"Django sign-in failed: {answer.status}")
    return "; ".join(f"{c.name}={c.value}" for c in client.jar)


def in_process(app, peer_env: dict, paths: dict, folder: Path, count: int) -> str:
    """CPU and wall ms per request of both inside one process each (no HTTP, no gunicorn)."""
    if not count:
        return ""
    django = peer_in_process(PEER_VENV / "bin" / "python", PEER, peer_env, paths["django"],
                             folder, count)
    igny8 = igny8_in_process(app, EMAIL, paths["igny8"], count)
    with app.app_context():
        db.engine.dispose()
    return (f"In-process, {count} requests each: Django {django[0]:.1f} ms CPU ({django[1]:.1f} "
            f"wall), igny8 {igny8[0]:.1f} ms CPU ({igny8[1]:.1f} wall): "
            f"{django[0] / igny8[0]:.1f}x by CPU.")


def main() -> None:
    """Seed both, serve both, interleave the wrk runs, print and store the report."""
    args = parse_args()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder = RESULTS / f"{stamp}-list-miss"
    folder.mkdir(parents=True, exist_ok=True)
    paths = dict(zip(("igny8", "django"), url_lists(args.seed, args.pages)))
    with tempfile.TemporaryDirectory(prefix="igny8-list-miss-") as scratch, \
            database(args) as url:
        peer_env = seed_peer(Path(scratch))
        os.environ.update(DATABASE_URL=url, SECRET_KEY="igny8-list-miss", FLASK_APP="wsgi")
        flask("db", "upgrade")
        app = create_app()
        copy_into_igny8(app, peer_env["DJPEER_DB"])
        flask("users", "create", EMAIL, "--role", "admin", "--password-stdin",
              stdin=PASSWORD + "\n")
        timing = in_process(app, peer_env, paths, folder, args.in_process)
        with gunicorn(dict(os.environ), 2, folder / "igny8-gunicorn.log", REPO) as igny8, \
                peer_server(peer_env, folder / "django-gunicorn.log") as django:
            bases = {"igny8": igny8, "django": django}
            cookies = {"igny8": Client(igny8).login(EMAIL, PASSWORD), "django": peer_login(django)}
            sizes = {"igny8": check_pages(igny8, cookies["igny8"], paths["igny8"][:20],
                                          ROWS[args.pages]["igny8"]),
                     "django": check_pages(django, cookies["django"], paths["django"][:20],
                                           ROWS[args.pages]["django"])}
            runs = interleave(bases, cookies, paths, folder, args)
    command = (f"--pages {args.pages}: wrk -t{args.threads} -c{args.connections} "
               f"-d{args.duration}s --latency -s <list>.lua; {args.rounds} rounds; gunicorn -w 2 "
               "(sync) each")
    table = f"{command}\n\n{report(runs, sizes)}\n\n{timing}"
    (folder / "summary.md").write_text(table + "\n")
    print("\n" + table)


if __name__ == "__main__":
    sys.exit(main())
