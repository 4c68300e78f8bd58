"""Usage screen and GET /api/v1/usage against the ledger bench/usage_generate.py built.

Run: .venv/bin/python bench/reports_bench.py --database-url URL [--repeat 15]
Warm timings (one call first, then the median and max of --repeat) with SQL statement counts:
usage_reports.usage_page unfiltered (no HTTP), then the record pages through the test client:
unfiltered (the default 30 days), one account, one model, the second page (by cursor), and
GET /api/v1/usage?limit=100 with a read key. Reads only, apart from the
bench's admin user, its session and one read key (as bench/usage_bench.py).
"""
from __future__ import annotations

import argparse
import html
import re
import time

from http_bench import flask
from sqlalchemy import func, select
from usage_bench import period_of, prepare, signed_in_client, warm_timings

from igny8.extensions import db
from igny8.models.usage import UsageDaily
from igny8.services import usage_reports

NEXT = re.compile(r'rel="next" href="([^"]+)"')


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database usage_generate kept")
    parser.add_argument("--repeat", type=int, default=15)
    return parser.parse_args()


def busiest(app, column) -> int:
    """The account or model id with the most records."""
    with app.app_context():
        return db.session.execute(select(column).group_by(column)
                                  .order_by(func.sum(UsageDaily.records).desc())).scalars().first()


def targets(app, client) -> list[tuple[str, str, dict]]:
    """(name, path, headers) of each request timed."""
    account, model = busiest(app, UsageDaily.account_id), busiest(app, UsageDaily.model_id)
    first = client.get("/credits/usage").get_data(as_text=True)
    second = html.unescape(NEXT.search(first).group(1))
    key = flask("api-keys", "create", f"reports-bench-read-{time.time_ns()}",
                "--scope", "read").strip().splitlines()[-1].strip()
    return [("page, default 30 days", "/credits/usage", {}),
            ("page, busiest account", f"/credits/usage?account_id={account}", {}),
            ("page, busiest model", f"/credits/usage?model_id={model}", {}),
            ("page 2 by cursor", second, {}),
            ("API, limit=100", "/api/v1/usage?limit=100", {"Authorization": f"Bearer {key}"})]


def main() -> None:
    """Time each request and print its figures."""
    args = parse_args()
    app = prepare(args.database_url)
    client = signed_in_client(app)
    with app.app_context():
        engine = db.engine
    print(f"ledger days {period_of(app)}")
    with app.app_context():  # the record page alone, without the HTTP layer
        figures = warm_timings(lambda: usage_reports.usage_page({}, limit=50), args.repeat,
                               engine)
        print(f"service, unfiltered page of 50: median {figures['median_ms']:.1f} ms, "
              f"max {figures['max_ms']:.1f} ms, {figures['queries']} statements", flush=True)
    for name, path, headers in targets(app, client):
        def get(path=path, headers=headers):
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, (path, answer.status_code)
        figures = warm_timings(get, args.repeat, engine)
        print(f"{name}: median {figures['median_ms']:.1f} ms, max {figures['max_ms']:.1f} ms, "
              f"{figures['queries']} statements, load {figures['load']:.1f}", flush=True)


if __name__ == "__main__":
    main()
