"""The HTTP benchmark reads wrk's figures right and refuses answers that are not the real page."""
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
WRK_OUTPUT = """\
Running 15s test @ http://127.0.0.1:40000/admin/ai-models/?per_page=100
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   210.20ms   83.81ms   1.43s    86.30%
    Req/Sec    19.41      9.44    40.00     72.50%
  Latency Distribution
     50%  199.40ms
     75%  220.76ms
     90%  388.87ms
     99%    1.02s
  941 requests in 15.02s, 197.15MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:     62.65
Transfer/sec:     13.13MB
"""


def load(name: str):
    """Import a module of bench/ (not a package) by file name."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_parse_wrk_reads_rate_percentiles_and_errors():
    figures = load("http_bench_http").parse_wrk(WRK_OUTPUT)
    # "72.50%" in the thread stats must not be taken for the 50th percentile.
    assert figures == {"rps": 62.65, "p50": 199.4, "p99": 1020.0, "requests": 941,
                       "non_2xx": 3, "socket_errors": 2}


def test_parse_wrk_without_errors_counts_zero():
    output = WRK_OUTPUT.replace("  Socket errors: connect 0, read 0, write 0, timeout 2\n", "")
    output = output.replace("  Non-2xx or 3xx responses: 3\n", "")
    figures = load("http_bench_http").parse_wrk(output.replace("199.40ms", "850.00us"))
    assert (figures["p50"], figures["non_2xx"], figures["socket_errors"]) == (0.85, 0, 0)


def test_checks_refuse_a_redirect_and_a_short_page():
    checks = load("http_bench_checks")
    catalogue = next(t for t in checks.TARGETS if t.name == "catalogue_list")
    with pytest.raises(checks.BenchCheckFailed, match="status 302 /auth/login"):
        checks.check(catalogue, 302, "", 1, "/auth/login")
    with pytest.raises(checks.BenchCheckFailed, match="25 rows instead of 100"):
        checks.check(catalogue, 200, '<input name="ids">' * 25, 1)
    checks.check(catalogue, 200, '<input name="ids">' * 100, 1)
