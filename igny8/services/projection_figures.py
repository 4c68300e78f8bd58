"""A projection's figures: actual vs projected cost per account and in total, the usage the
target had no price for apart, built from the tallies."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from igny8.extensions import db
from igny8.models import Account, AIModelConfig
from igny8.services.projection_tally import Key, Tally

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def percent(difference: Decimal, actual: Decimal) -> Decimal | None:
    """`difference` as a percentage of `actual`, to two places; None when nothing was spent."""
    return None if not actual else (difference / actual * HUNDRED).quantize(TWO_PLACES)


@dataclass(frozen=True)
class Figures:
    """Actual vs projected cost of some usage."""

    records: int
    actual: Decimal
    projected: Decimal

    @property
    def difference(self) -> Decimal:
        """Projected minus actual: positive when the target costs more."""
        return self.projected - self.actual

    @property
    def difference_percent(self) -> Decimal | None:
        """The difference as a percentage of the actual cost."""
        return percent(self.difference, self.actual)


@dataclass(frozen=True)
class AccountFigures(Figures):
    """One account's figures."""

    account_id: int = 0
    account_name: str = ""


@dataclass(frozen=True)
class Uncovered:
    """Usage in the period the target had no price for (not in the figures)."""

    records: int
    actual: Decimal
    first_day: date
    last_day: date


@dataclass(frozen=True)
class Projection(Figures):
    """A source model's usage over `start`..`end` priced at the target's prices."""

    source: AIModelConfig | None = None
    target: AIModelConfig | None = None
    start: date | None = None
    end: date | None = None
    accounts: list[AccountFigures] = field(default_factory=list)
    uncovered: Uncovered | None = None
    slot: str | None = None

    @property
    def period(self) -> dict[str, date | None]:
        """The first and last UTC day compared."""
        return {"start": self.start, "end": self.end}


def account_names(found: dict[Key, Tally]) -> dict[int, str]:
    """The names of the accounts in the tallies (one query)."""
    ids = {key[1] for key in found}
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Account.id, Account.name).where(Account.id.in_(ids))).all())


def build(source, target, start: date, end: date, found: dict[Key, Tally],
          names: dict[int, str] | None = None) -> Projection:
    """The projection's totals, per-account figures (by name) and uncovered usage."""
    names = account_names(found) if names is None else names
    accounts = sorted((AccountFigures(t.records, t.actual, t.projected, key[1],
                                      names.get(key[1], ""))
                       for key, t in found.items() if t.records),
                      key=lambda a: (a.account_name, a.account_id))
    parts = list(found.values())
    return Projection(sum(t.records for t in parts), sum((t.actual for t in parts), Decimal(0)),
                      sum((t.projected for t in parts), Decimal(0)), source, target, start, end,
                      accounts, _uncovered(parts))


def _uncovered(parts: list[Tally]) -> Uncovered | None:
    """The uncovered usage of all tallies, or None when the target priced every record."""
    parts = [t for t in parts if t.uncovered_records]
    if not parts:
        return None
    return Uncovered(sum(t.uncovered_records for t in parts),
                     sum((t.uncovered_actual for t in parts), Decimal(0)),
                     min(t.uncovered_first for t in parts), max(t.uncovered_last for t in parts))
