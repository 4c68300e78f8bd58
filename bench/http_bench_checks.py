"""The URLs the HTTP benchmark loads and what each must contain to count as a real answer."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

# Django 5.2's admin on a 2-core machine: changelist (1,000 models, 100 per page) ~55 req/s,
# change form with ~650 options ~43 req/s; igny8's goal is five times that.
CHANGELIST_GOAL, FORM_GOAL = 275, 215
OPENAI_SELECT = re.compile(r'<select[^>]*name="openai_model"[^>]*>(.*?)</select>', re.S)


class BenchCheckFailed(RuntimeError):
    """A benchmarked URL did not answer what it should."""


def healthz(body: str, account_id: int) -> str | None:
    """The health check says ok."""
    return None if json.loads(body).get("status") == "ok" else "status is not ok"


def catalogue_rows(body: str, account_id: int) -> str | None:
    """The list shows 100 model rows out of 1,000."""
    rows = body.count('name="ids"')
    return None if rows == 100 else f"{rows} rows instead of 100"


def global_options(body: str, account_id: int) -> str | None:
    """The OpenAI text dropdown offers the ~650 active OpenAI text models (plus the blank)."""
    select = OPENAI_SELECT.search(body)
    options = select.group(1).count("<option") if select else 0
    return None if options >= 600 else f"{options} OpenAI text options instead of ~650"


def api_models(body: str, account_id: int) -> str | None:
    """The API returns 100 items of 1,000."""
    data = json.loads(body)
    items, total = len(data.get("items", [])), data.get("total")
    return None if (items, total) == (100, 1000) else f"{items} items of {total}"


def api_account(body: str, account_id: int) -> str | None:
    """The account's effective OpenAI text model comes from its own override."""
    data = json.loads(body)
    source = data.get("effective", {}).get("openai_model", {}).get("source")
    if data.get("account_id") != account_id or source != "account":
        return f"account {data.get('account_id')}, openai_model source {source!r}"
    return None


def account_page(body: str, account_id: int) -> str | None:
    """The account's settings page names the account and has its form."""
    if "Customer " not in body or 'name="openai_model"' not in body:
        return "no account name or no OpenAI text dropdown"
    return None


@dataclass(frozen=True)
class Target:
    """One benchmarked URL: how to authenticate, what to check, the req/s goal if any."""

    name: str
    template: str
    auth: str  # "none", "session" or "key"
    checker: Callable[[str, int], str | None]
    goal: int | None = None

    def path(self, account_id: int) -> str:
        """The URL path for the benchmark's account."""
        return self.template.format(account_id=account_id)


TARGETS = (
    Target("healthz", "/healthz", "none", healthz),
    Target("catalogue_list", "/admin/ai-models/?per_page=100", "session", catalogue_rows,
           CHANGELIST_GOAL),
    Target("global_settings", "/admin/settings/global", "session", global_options, FORM_GOAL),
    Target("api_models", "/api/v1/models?per_page=100", "key", api_models),
    Target("api_account", "/api/v1/accounts/{account_id}/integration-settings", "key",
           api_account),
    Target("account_page", "/admin/settings/accounts/{account_id}", "session", account_page),
)


def check(target: Target, status: int, body: str, account_id: int, location: str = "") -> None:
    """Raise unless the answer is a 200 with the content the target expects."""
    if status != 200:
        raise BenchCheckFailed(f"{target.name}: status {status} {location}".strip())
    problem = target.checker(body, account_id)
    if problem:
        raise BenchCheckFailed(f"{target.name}: {problem}")
