"""The cache-miss benchmark's URL lists, page checks, interleaved wrk runs and report."""
from __future__ import annotations

import os
import random
import re
import subprocess
from pathlib import Path

from http_bench_http import Client, parse_wrk

IGNY8_SORTS = ("display_name", "model_name", "provider", "model_type", "input_price",
               "cached_input_price", "output_price", "image_price", "context_window", "is_active")
PEER_COLUMNS = 8  # list_display of the peer's changelist, every column sortable
LUA = """counter = 0
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args)
  paths = {}
  for line in io.lines("%s") do paths[#paths + 1] = line end
  i = id * 997
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


ONE_PAGE = {  # --pages first / global: one URL each, the same on every request
    "first": ("/admin/ai-models/?per_page=100", "/admin/catalog/aimodelconfig/"),
    "global": ("/admin/settings/global", "/admin/catalog/globalintegrationsettings/1/change/"),
}


def url_lists(seed: int, pages: str = "miss") -> tuple[list[str], list[str]]:
    """Shuffled paths: igny8 (page 1-10 x 20 sorts x 20 paddings), Django (page x 16 orders);
    or, for `pages` first/global, one URL of each repeated."""
    if pages in ONE_PAGE:
        igny8, django = ONE_PAGE[pages]
        return [igny8] * 400, [django] * 400
    rng = random.Random(seed)
    sorts = [f"{sign}{key}" for key in IGNY8_SORTS for sign in ("", "-")]
    igny8 = [f"/admin/ai-models/?per_page=100&sort={sort}&page={'0' * pad}{page}"
             for page in range(1, 11) for sort in sorts for pad in range(20)]
    orders = [f"{sign}{column}" for column in range(1, PEER_COLUMNS + 1) for sign in ("", "-")]
    django = [f"/admin/catalog/aimodelconfig/?o={order}&p={page}"
              for page in range(1, 11) for order in orders for _copy in range(25)]
    rng.shuffle(igny8)
    rng.shuffle(django)
    return igny8, django


def check_pages(base: str, cookie: str, paths: list[str],
                expected: tuple[re.Pattern, int]) -> int:
    """Every sampled page answers 200 with the expected count of `pattern` (100 rows, or the
    form's selects); the bytes of the first one."""
    (rows, wanted), client, sizes = expected, Client(base), []
    for path in paths:
        answer = client.request(path, headers={"Cookie": cookie})
        found = len(rows.findall(answer.body))
        if answer.status != 200 or found != wanted:
            raise RuntimeError(f"{base}{path}: status {answer.status}, {found} of {wanted}")
        sizes.append(len(answer.body.encode()))
    return sizes[0]


def run_wrk(base: str, cookie: str, paths: list[str], folder: Path, name: str, args) -> dict:
    """wrk over the URL list through the Lua script; parsed figures plus the load average."""
    listing = folder / f"{name}-paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = folder / f"{name}.lua"
    script.write_text(LUA % listing)
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--latency", "--timeout", "10s", "-H", f"Cookie: {cookie}", "-s", str(script),
               base + paths[0]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr}")
    figures = parse_wrk(done.stdout)
    figures["load"] = os.getloadavg()[0]
    return figures


def interleave(bases: dict, cookies: dict, paths: dict, folder: Path, args) -> list[dict]:
    """Django then igny8, `rounds` times; the figures of every run in order."""
    runs = []
    for number in range(1, args.rounds + 1):
        for name in ("django", "igny8"):
            figures = run_wrk(bases[name], cookies[name], paths[name], folder, name, args)
            (folder / f"{name}-round{number}.txt").write_text(repr(figures) + "\n")
            runs.append({"round": number, "name": name, **figures})
            print(f"round {number} {name}: {figures['rps']:.1f} req/s, p50 {figures['p50']:.1f}"
                  f" ms, non-2xx {figures['non_2xx']:.0f}, load {figures['load']:.2f}", flush=True)
    return runs


def report(runs: list[dict], sizes: dict) -> str:
    """A Markdown table: req/s of each side per round, the ratio, the load."""
    lines = ["| round | Django req/s | igny8 req/s | ratio | igny8 p50 / p99 | load |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for number in sorted({run["round"] for run in runs}):
        django, igny8 = (next(r for r in runs if r["round"] == number and r["name"] == name)
                         for name in ("django", "igny8"))
        lines.append(f"| {number} | {django['rps']:.1f} | {igny8['rps']:.1f} | "
                     f"{igny8['rps'] / django['rps']:.1f}x | {igny8['p50']:.1f} / "
                     f"{igny8['p99']:.1f} ms | {django['load']:.2f} / {igny8['load']:.2f} |")
    total = {name: sum(r["rps"] for r in runs if r["name"] == name) for name in sizes}
    lines.append(f"\nOverall ratio {total['igny8'] / total['django']:.1f}x; page bytes: igny8 "
                 f"{sizes['igny8']:,}, Django {sizes['django']:,}.")
    return "\n".join(lines)


PEER_TIMING = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(username="admin"))
paths = open(sys.argv[1]).read().split()
for path in paths[:10]:
    client.get(path)
cpu, wall = time.process_time(), time.perf_counter()
for path in paths[10:10 + int(sys.argv[2])]:
    assert client.get(path).status_code == 200
count = int(sys.argv[2])
print(1000 * (time.process_time() - cpu) / count, 1000 * (time.perf_counter() - wall) / count)
"""


def peer_in_process(python: Path, peer: Path, env: dict, paths: list[str], folder: Path,
                    count: int) -> tuple[float, float]:
    """CPU and wall ms per changelist request inside one Django process (its test client)."""
    listing = folder / "django-inprocess.txt"
    listing.write_text("\n".join(paths) + "\n")
    done = subprocess.run([str(python), "-c", PEER_TIMING, str(listing), str(count)], cwd=peer,
                          env=env, capture_output=True, text=True, timeout=600, check=True)
    cpu, wall = map(float, done.stdout.split())
    return cpu, wall


def igny8_in_process(app, email: str, paths: list[str], count: int) -> tuple[float, float]:
    """CPU and wall ms per list request inside one igny8 process (Flask's test client)."""
    import time

    from igny8.extensions import db
    from igny8.models import User

    with app.app_context():
        # The cookie carries id and session token, as Flask-Login stores it at sign-in.
        session_id = db.session.scalars(db.select(User).where(User.email == email)).one().get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_id, True
    for path in paths[:10]:
        client.get(path)
    cpu, wall = time.process_time(), time.perf_counter()
    for path in paths[10:10 + count]:
        assert client.get(path).status_code == 200
    return (1000 * (time.process_time() - cpu) / count,
            1000 * (time.perf_counter() - wall) / count)
