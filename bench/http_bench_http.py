"""HTTP side of the benchmark: gunicorn, a signed-in urllib client, wrk and its output."""
from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path, cwd: Path):
    """Serve wsgi:app on a free port; yield the base URL; stop the server whatever happens."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "--no-control-socket", "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "wsgi:app"]
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=out)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", server)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)


def wait_healthy(base: str, server: subprocess.Popen, timeout: float = 30) -> None:
    """Poll /healthz until it answers 200; fail when the server exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} (see its log)")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand 3xx answers back as they are, so a redirect to the login page is visible."""

    def redirect_request(self, *args, **kwargs):
        """Never follow."""
        return None


@dataclass
class Answer:
    """Status, headers and body text of one request."""

    status: int
    location: str
    body: str


class Client:
    """A urllib client with a cookie jar that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> Answer:
        """GET (or POST `data` form-encoded) and return the answer, errors included."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return Answer(response.status, "", response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers.get("Location", ""), error.read().decode())

    def login(self, email: str, password: str) -> str:
        """Sign in through the real form (CSRF token from the page); the Cookie header value."""
        page = self.request("/auth/login")
        token = CSRF.search(page.body)
        if page.status != 200 or token is None:
            raise RuntimeError(f"login page: status {page.status}, CSRF token found: {bool(token)}")
        answer = self.request("/auth/login", {"csrf_token": token.group(1), "email": email,
                                              "password": password, "next": ""})
        if answer.status != 302 or "/auth/login" in answer.location:
            raise RuntimeError(f"sign-in failed: status {answer.status} to {answer.location!r}")
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def run_wrk(url: str, headers: dict[str, str], args) -> str:
    """Run wrk with latency percentiles against `url`; its whole output."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True,
                          timeout=args.duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def milliseconds(text: str) -> float:
    """'1.23ms', '850.00us', '1.02s' as milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s, p50, p99 (ms), requests, non-2xx/3xx answers and socket errors."""
    def number(pattern: str, default: float | None = None) -> float:
        match = re.search(pattern, output)
        if match is None and default is None:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{output}")
        return float(match.group(1)) if match else default
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "requests": number(r"(\d+) requests in"),
        "non_2xx": number(r"Non-2xx or 3xx responses: (\d+)", 0),
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }
