"""Ledger benchmark against the database bench/usage_generate.py built (10,000,000 records).

Run: .venv/bin/python bench/usage_bench.py --database-url URL [--projection] [--costs]
     [--recost] [--ingest] [--batches 100] [--threads 4] [--repeat 15]
Without a measure flag every measure runs. Reads are timed warm (one call first, then the
median and max of --repeat calls) with their SQL statement counts: the projection of the busiest
text model onto another text model over the whole 90 days (services/projection.py), and the
Costs page through Flask's test client signed in as an admin (90 days and the default range).
--recost inserts a past-dated price version for the busiest model and re-costs its ~1,000,000
records since that date (services/recosting.py apply_now). --ingest serves the app with gunicorn
(2 sync workers) and POSTs --batches batches of 1,000 new records to /api/v1/usage from
--threads keep-alive clients, then profiles 10 batches in-process. The measures WRITE to the
database (new versions, re-costed records, new records). Results go to bench/results/.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date, datetime, timezone
from pathlib import Path

from http_bench import flask
from http_bench_http import CSRF, gunicorn
from sqlalchemy import event, func, select

from igny8 import create_app
from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.models.usage import UsageDaily
from igny8.services import audit

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
EMAIL, PASSWORD = "usage-bench@igny8.local", "usage-bench-password-1"
MEASURES = ("projection", "costs", "recost", "ingest")


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database usage_generate kept")
    for name in MEASURES:
        parser.add_argument(f"--{name}", action="store_true")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--batches", type=int, default=100, help="ingest batches of 1,000")
    parser.add_argument("--threads", type=int, default=4, help="ingest client connections")
    parser.add_argument("--recost-records", type=int, default=1_000_000)
    args = parser.parse_args()
    args.measures = [name for name in MEASURES if getattr(args, name)] or list(MEASURES)
    return args


class Statements:
    """Counts SQL statements on an engine while active."""

    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0

    def _record(self, *args) -> None:
        self.count += 1

    def __enter__(self) -> "Statements":
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def warm_timings(call, repeat: int, engine) -> dict:
    """One call to warm up, one counted, then `repeat` timed: median, max, statements."""
    call()
    with Statements(engine) as counted:
        call()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": statistics.median(times), "max_ms": max(times),
            "queries": counted.count, "load": os.getloadavg()[0]}


def busiest_text_models(app) -> list[int]:
    """Text model ids by their number of records, busiest first."""
    with app.app_context():
        rows = db.session.execute(
            select(UsageDaily.model_id, func.sum(UsageDaily.records).label("n"))
            .join(AIModelConfig, AIModelConfig.id == UsageDaily.model_id)
            .where(AIModelConfig.model_type == "text")
            .group_by(UsageDaily.model_id).order_by(func.sum(UsageDaily.records).desc())).all()
        return [model_id for model_id, _ in rows]


def period_of(app) -> tuple[date, date]:
    """The first and last day of the ledger."""
    with app.app_context():
        return db.session.execute(select(func.min(UsageDaily.day), func.max(UsageDaily.day))).one()


def tiered_model(app) -> int:
    """The first model given a long-context tier."""
    with app.app_context():
        return db.session.scalars(select(ModelPriceVersion.model_id).where(
            ModelPriceVersion.tier_threshold_tokens.is_not(None))
            .order_by(ModelPriceVersion.effective_from)).first()


def measure_projection(app, args) -> dict:
    """projection.project, whole period, of the busiest text model onto the second busiest and
    onto a model with a long-context tier (whose tier-crossing records are read one by one)."""
    from igny8.services import projection

    source, second = busiest_text_models(app)[:2]
    start, end = period_of(app)
    figures = {}
    for label, target in (("onto a plain model", second), ("onto a tiered model",
                                                           tiered_model(app))):
        with app.app_context():
            result = warm_timings(lambda: projection.project(source, target, start, end),
                                  args.repeat, db.engine)
            found = projection.project(source, target, start, end)
            result["what"] = (f"model {source} -> {target}, {start}..{end}: actual "
                              f"${found.actual}, projected ${found.projected}")
        figures[label] = result
    return figures


def signed_in_client(app):
    """A test client signed in through the login form."""
    client = app.test_client()
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    answer = client.post("/auth/login", data={"csrf_token": token, "email": EMAIL,
                                              "password": PASSWORD})
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in failed: {answer.status_code}")
    return client


def measure_costs(app, args) -> dict:
    """The Costs page (90 days, the default range) and GET /api/v1/costs (90 days), warm."""
    client = signed_in_client(app)
    start, end = period_of(app)
    key = flask("api-keys", "create", f"usage-bench-read-{time.time_ns()}",
                "--scope", "read").strip().splitlines()[-1].strip()
    figures = {}
    with app.app_context():
        engine = db.engine
    targets = (("page, 90 days", f"/credits/costs?start={start}&end={end}", {}),
               ("page, default range", "/credits/costs", {}),
               ("API, 90 days", f"/api/v1/costs?start={start}&end={end}",
                {"Authorization": f"Bearer {key}"}))
    for label, path, headers in targets:
        def get(path=path, headers=headers):
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
        figures[label] = warm_timings(get, args.repeat, engine)
    return figures


def recost_since(app, model_id: int, wanted: int) -> datetime:
    """The day from which the model has about `wanted` records up to the end of the ledger."""
    with app.app_context():
        days = db.session.execute(select(UsageDaily.day, func.sum(UsageDaily.records))
                                  .where(UsageDaily.model_id == model_id)
                                  .group_by(UsageDaily.day).order_by(UsageDaily.day.desc())).all()
    total = 0
    for day, records in days:
        total += records
        if total >= wanted:
            break
    return datetime.combine(day, datetime.min.time(), timezone.utc)


def add_past_version(model_id: int, since: datetime) -> str:
    """Double the model's token prices from `since` on: through services/prices.py (a new
    version, or a correction of the one an earlier run added there), else a version row written
    directly (what is measured is the re-costing)."""
    model = db.session.get(AIModelConfig, model_id)
    values = {"input_price_per_1m": model.input_price_per_1m * 2,
              "cached_input_price_per_1m": model.cached_input_price_per_1m,
              "output_price_per_1m": model.output_price_per_1m * 2}
    try:
        from igny8.services import prices
    except ImportError:
        db.session.add(ModelPriceVersion(model_id=model_id, effective_from=since,
                                         created_by="usage-bench", **values))
        db.session.commit()
        return "version row inserted directly"
    sent = {name: str(value) for name, value in values.items() if value is not None}
    taken = db.session.scalar(select(ModelPriceVersion.id).where(
        ModelPriceVersion.model_id == model_id, ModelPriceVersion.effective_from == since))
    if taken is not None:  # an earlier run added it: correct that version (its records keep it)
        prices.correct_version(taken, sent, audit.CLI)
        return "version corrected by prices.correct_version"
    prices.add_version(model_id, sent, audit.CLI, effective_from=since)
    return "version added by prices.add_version"


def measure_recost(app, args) -> dict:
    """A past-dated version for the busiest model, a preview, then apply_now since that day."""
    from igny8.services import recosting

    model_id = busiest_text_models(app)[0]
    since = recost_since(app, model_id, args.recost_records)
    with app.app_context():
        how = add_past_version(model_id, since)
        began = time.perf_counter()
        preview = recosting.preview(model_id, since)
        preview_seconds = time.perf_counter() - began
        began = time.perf_counter()
        run = recosting.apply_now(model_id, since, None, audit.CLI)
        seconds = time.perf_counter() - began
        return {"seconds": round(seconds, 1), "preview_seconds": round(preview_seconds, 1),
                "records_total": run.records_total, "records_changed": run.records_changed,
                "total_before": str(run.total_before), "total_after": str(run.total_after),
                "status": run.status, "since": since.date().isoformat(), "model": model_id,
                "how": how, "preview_records": preview.totals.records,
                "preview_changed": preview.totals.changed,
                "load": os.getloadavg()[0]}


def measure_ingest(app, args, folder: Path) -> dict:
    """Batches of 1,000 through gunicorn -w 2, then 10 batches profiled in-process."""
    from usage_bench_ingest import bodies, ingest_plan, profile_in_process, send_all

    key = flask("api-keys", "create", f"usage-bench-{time.time_ns()}",
                "--scope", "write").strip().splitlines()[-1].strip()
    plan = ingest_plan(app, 1)
    tag = f"ingest-{time.time_ns()}"
    batches = bodies(plan, args.batches + 10, tag)
    with gunicorn(dict(os.environ), 2, folder / "gunicorn.log", REPO) as base:
        figures = send_all(base, key, batches[:args.batches], args.threads)
    if set(figures["statuses"]) - {200, 201}:
        raise RuntimeError(f"ingest answered {figures['statuses']} (see {folder}/gunicorn.log)")
    figures["rate"] = figures["records"] / figures["wall"]
    figures["profile"] = profile_in_process(app, key, batches[args.batches:], folder)
    return figures


def prepare(url: str) -> object:
    """Environment, the schema at head, the app, and the benchmark's admin user."""
    os.environ.update(DATABASE_URL=url, FLASK_APP="wsgi",
                      SECRET_KEY=os.environ.get("SECRET_KEY", "usage-bench-secret"))
    flask("db", "upgrade")  # a database generated by an older revision catches up
    app = create_app()
    try:
        flask("users", "create", EMAIL, "--role", "admin", "--password-stdin",
              stdin=PASSWORD + "\n")
    except RuntimeError as error:
        if "already used" not in str(error):
            raise
    return app


def main() -> None:
    """Entry point: run the measures asked for and print their figures."""
    args = parse_args()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder = RESULTS / f"{stamp}-usage"
    folder.mkdir(parents=True, exist_ok=True)
    app = prepare(args.database_url)
    report = [f"{stamp}; {os.cpu_count()} CPUs; database {args.database_url.rsplit('/', 1)[1]}"]
    runners = {"projection": lambda: measure_projection(app, args),
               "costs": lambda: measure_costs(app, args),
               "recost": lambda: measure_recost(app, args),
               "ingest": lambda: measure_ingest(app, args, folder)}
    for name in args.measures:
        figures = runners[name]()
        report.append(f"{name}: {figures}")
        print(report[-1], flush=True)
    (folder / "summary.txt").write_text("\n".join(report) + "\n")


if __name__ == "__main__":
    main()
