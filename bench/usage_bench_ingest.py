"""Ingest through POST /api/v1/usage under gunicorn: prepared JSON batches of 1,000 records sent by
client threads over keep-alive connections; records/s over the wall time, and a cProfile of the
same batches in-process to say where a batch's time goes."""
from __future__ import annotations

import cProfile
import http.client
import io
import json
import os
import pstats
import random
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy import select

from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.models.usage import UsageDaily
from igny8.services.demo_usage import ModelUse, UsagePlan, draws

BATCH = 1000


def ingest_plan(app, days: int) -> UsagePlan:
    """Every account × model pair of the ledger, equally likely, over the last `days` days
    before today 00:00 UTC (a client reports recent requests, so a batch touches few rollups)."""
    with app.app_context():
        pairs = db.session.execute(select(UsageDaily.account_id, UsageDaily.model_id,
                                          AIModelConfig.model_type)
                                   .join(AIModelConfig, AIModelConfig.id == UsageDaily.model_id)
                                   .distinct()).all()
        db.session.remove()
    uses: dict[int, list[ModelUse]] = {}
    for account_id, model_id, model_type in pairs:
        uses.setdefault(account_id, []).append(ModelUse(model_id, model_type, None, 1.0))
    end = datetime.combine(datetime.now(timezone.utc).date(), datetime.min.time(), timezone.utc)
    return UsagePlan(uses, end - timedelta(days=days), days, seed=11, pool_bits=14)


def bodies(plan: UsagePlan, batches: int, tag: str) -> list[bytes]:
    """`batches` JSON request bodies of BATCH new records each (request ids unique per run)."""
    rng = random.Random(tag)
    out = []
    stream = draws(plan, batches * BATCH, rng)
    for number in range(batches):
        records = [{"request_id": f"{tag}-{number}-{i}", "account_id": d.account_id,
                    "model_id": d.model_id,
                    "occurred_at": plan.moment(d.offset).isoformat(),
                    "input_tokens": d.input_tokens, "cached_input_tokens": d.cached_input_tokens,
                    "output_tokens": d.output_tokens, "images": d.images}
                   for i, d in zip(range(BATCH), stream)]
        out.append(json.dumps({"records": records}).encode())
    return out


def send_all(base: str, key: str, batches: list[bytes], threads: int) -> dict:
    """POST every batch with `threads` keep-alive clients; wall time, statuses, latencies."""
    pending = list(reversed(batches))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    url = urlparse(base)

    def worker() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        while True:
            with lock:
                if not pending:
                    break
                body = pending.pop()
            began = time.perf_counter()
            conn.request("POST", "/api/v1/usage", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
                latencies.append(time.perf_counter() - began)
        conn.close()

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {"wall": wall, "statuses": statuses, "records": len(batches) * BATCH,
            "p50": latencies[len(latencies) // 2], "p95": latencies[int(len(latencies) * 0.95)],
            "load": os.getloadavg()[0]}


def profile_in_process(app, key: str, batches: list[bytes], folder: Path) -> str:
    """cProfile the batches through the test client (one process); the top of the report."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for body in batches:
        response = client.post("/api/v1/usage", data=body, headers=headers)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"in-process ingest: {response.status_code} "
                               f"{response.get_data(as_text=True)[:300]}")
    profiler.disable()
    seconds = time.perf_counter() - began
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    (folder / "ingest-profile.txt").write_text(out.getvalue())
    rate = len(batches) * BATCH / seconds
    return (f"in-process (one worker, cProfile on): {len(batches) * BATCH:,} records in "
            f"{seconds:.1f} s = {rate:,.0f} records/s; profile in {folder / 'ingest-profile.txt'}")
