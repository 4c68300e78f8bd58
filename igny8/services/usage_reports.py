"""Usage and cost reports: the filters checked, the ledger read through the usage store, the
account and model names resolved in one query per page.

Costs come from the daily rollups only (a handful of queries whatever the number of records);
usage pages read the raw records newest first by keyset.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import case, literal, or_, select, union_all

from igny8.extensions import db
from igny8.models.accounts import Account
from igny8.models.catalogue import AIModelConfig
from igny8.models.usage import UsageRecord
from igny8.services.numbers import parse_id
from igny8.services.usage_filters import decode_cursor, encode_cursor, parse_scope
from igny8.services.usage_store import reports as store
from igny8.services.usage_store.reports import Cursor, Scope, Sums

GROUPINGS = ("model", "account", "day")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Names:
    """Display names of the accounts and models a page shows, by id."""

    accounts: dict[int, str]
    models: dict[int, str]

    def account(self, account_id: int) -> str:
        """The account's name (its id when it no longer resolves)."""
        return self.accounts.get(account_id, f"Account {account_id}")

    def model(self, model_id: int) -> str:
        """The model's `Display Name (model_name)`."""
        return self.models.get(model_id, f"Model {model_id}")


def resolve_names(account_ids: Iterable[int], model_ids: Iterable[int]) -> Names:
    """One query (none when there is nothing to name) for the names of these ids."""
    account_ids, model_ids = sorted(set(account_ids)), sorted(set(model_ids))
    if not account_ids and not model_ids:
        return Names({}, {})
    accounts = select(literal("account").label("kind"), Account.id, Account.name,
                      literal("").label("model_name")).where(Account.id.in_(account_ids))
    models = select(literal("model"), AIModelConfig.id, AIModelConfig.display_name,
                    AIModelConfig.model_name).where(AIModelConfig.id.in_(model_ids))
    return _names(db.session.execute(union_all(accounts, models)))


def _names(rows) -> Names:
    """Names from (kind, id, name, model_name) rows."""
    found: dict[str, dict[int, str]] = {"account": {}, "model": {}}
    for kind, row_id, name, model_name in rows:
        found[kind][row_id] = f"{name} ({model_name})" if kind == "model" else name
    return Names(found["account"], found["model"])


@dataclass(frozen=True)
class CostRow:
    """One group of a cost report: its key (model or account id, or day), label and sums."""

    key: object
    label: str
    sums: Sums


@dataclass(frozen=True)
class CostTable:
    """The cost of a scope grouped one way, with the totals of every group."""

    scope: Scope
    group_by: str
    rows: list[CostRow]
    totals: Sums


def add_sums(all_sums: Iterable[Sums]) -> Sums:
    """The sums of several groups added (the totals row)."""
    names = [field.name for field in fields(Sums) if field.name != "key"]
    totals = {name: 0 for name in names} | {"cost": Decimal(0)}
    for sums in all_sums:
        for name in names:
            totals[name] += getattr(sums, name)
    return Sums(None, **totals)


def _every_day(scope: Scope, found: list[Sums]) -> list[Sums]:
    """One entry per day of the scope, zero where nothing was used (the chart's x axis)."""
    by_day = {sums.key: sums for sums in found}
    days = (scope.first_day + timedelta(days=n)
            for n in range((scope.last_day - scope.first_day).days + 1))
    return [by_day.get(day) or Sums(day) for day in days]


def cost_table(scope: Scope, group_by: str) -> CostTable:
    """The scope's cost grouped by model, account or day: one rollup query, one names query."""
    found = store.grouped_sums(scope, group_by)
    if group_by == "day":
        rows = [CostRow(s.key, s.key.isoformat(), s) for s in _every_day(scope, found)]
        return CostTable(scope, group_by, rows, add_sums(found))
    ids = [sums.key for sums in found]
    names = resolve_names(ids if group_by == "account" else (),
                          ids if group_by == "model" else ())
    label = names.account if group_by == "account" else names.model
    return CostTable(scope, group_by, [CostRow(s.key, label(s.key), s) for s in found],
                     add_sums(found))


def costs(values: Mapping[str, str | None], group_by: str) -> CostTable:
    """The cost report of the filters' text (see usage_filters), grouped one way."""
    return cost_table(parse_scope(values, whole_days=True), group_by)


def costs_report(values: Mapping[str, str | None]) -> dict[str, CostTable]:
    """The Costs screen: the filters' usage by each of GROUPINGS (three rollup queries, two
    names queries)."""
    scope = parse_scope(values, whole_days=True)
    return {group_by: cost_table(scope, group_by) for group_by in GROUPINGS}


def filter_choices(selected: Mapping[str, str] | None = None) -> Names:
    """The accounts and models that have usage, and any selected one, for the filters'
    dropdowns (one query): a model or account without usage has nothing to show. Archived
    accounts keep their history and say so."""
    # 0 (no row has it) when the selected text is not an id
    picked = {name: parse_id(((selected or {}).get(name) or "").strip()) or 0
              for name in ("account_id", "model_id")}
    name = case((Account.archived_at.is_not(None), Account.name + literal(" (archived)")),
                else_=Account.name)
    accounts = select(literal("account").label("kind"), Account.id, name,
                      literal("").label("model_name")).where(or_(
                          Account.id.in_(store.ids_with_usage("account_id")),
                          Account.id == picked["account_id"]))
    models = select(literal("model"), AIModelConfig.id, AIModelConfig.display_name,
                    AIModelConfig.model_name).where(or_(
                        AIModelConfig.id.in_(store.ids_with_usage("model_id")),
                        AIModelConfig.id == picked["model_id"]))
    return _names(db.session.execute(union_all(accounts, models)))


@dataclass(frozen=True)
class RecordRow:
    """A usage record as a report shows it, with its account and model names."""

    record: UsageRecord
    account_name: str
    model_name: str


@dataclass(frozen=True)
class UsagePage:
    """One page of records newest first, and the cursor of the next page (None at the end)."""

    scope: Scope
    rows: list[RecordRow]
    next_after: str | None
    limit: int


def record_rows(scope: Scope, after: Cursor | None, limit: int) -> tuple[list[RecordRow], bool]:
    """Up to `limit` named records after the cursor (two queries), and whether more follow."""
    records = store.record_page(scope, after, limit + 1)
    names = resolve_names((r.account_id for r in records[:limit]),
                          (r.model_id for r in records[:limit]))
    rows = [RecordRow(r, names.account(r.account_id), names.model(r.model_id))
            for r in records[:limit]]
    return rows, len(records) > limit


def usage_page(values: Mapping[str, str | None], after: str | None = None,
               limit: int = DEFAULT_PAGE_SIZE, whole_days: bool = False) -> UsagePage:
    """A page of the records the filters' text selects, newest first, after the cursor token;
    `whole_days` refuses instants (a page showing the rollup totals beside the records)."""
    scope = parse_scope(values, whole_days)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    rows, more = record_rows(scope, decode_cursor(after), limit)
    last = rows[-1].record if rows and more else None
    next_after = encode_cursor(Cursor(last.occurred_at, last.id)) if last else None
    return UsagePage(scope, rows, next_after, limit)


def usage_totals(scope: Scope) -> Sums:
    """The sums of the scope's whole UTC days, from the rollups (one query)."""
    return store.total_sums(scope)


def iter_usage(values: Mapping[str, str | None], batch: int = MAX_PAGE_SIZE,
               cap: int = 100_000) -> tuple[Scope, Iterator[RecordRow]]:
    """The scope of the filters' text (checked now) and its newest `cap` records, read page by
    page (two queries per `batch`), for a download."""
    scope = parse_scope(values, whole_days=True)

    def rows() -> Iterator[RecordRow]:
        after, sent, more = None, 0, True
        while more and sent < cap:
            page, more = record_rows(scope, after, min(batch, cap - sent))
            yield from page
            sent += len(page)
            after = Cursor(page[-1].record.occurred_at, page[-1].record.id) if page else None
    return scope, rows()
