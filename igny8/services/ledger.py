"""The usage ledger's write side: `ingest` stores a batch of usage records with their cost at the
price version in force when each request ran, and the daily rollups, all or nothing.

A record whose `request_id` is stored already with the same values is a duplicate and changes
nothing (clients re-send freely); with other values it is refused. Every refusal names its
record by index (`records[3].model_id`) and nothing of the call is written. Locks before
checks (docs/invariants.md): the models FOR SHARE, the accounts FOR SHARE and the models'
ledger (shared, which a re-costing batch takes exclusively), then the price versions are read,
so a price version added or corrected meanwhile (its writer locks the model FOR UPDATE) is
either seen by this batch or waits until it has committed.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from igny8.errors import TakenMessage, ValidationFailed
from igny8.models.base import utcnow
from igny8.services import usage_input
from igny8.services.audit import Actor
from igny8.services.costing import PriceBook, as_utc
from igny8.services.ledger_checks import References, costed_row
from igny8.services.ledger_locks import lock_ledger_models
from igny8.services.locking import lock_accounts, lock_models
from igny8.services.unit_of_work import refuse, unit_of_work
from igny8.services.usage_store import records as stored_records

MAX_RECORDS = 1000
Problems = dict[int, dict[str, str]]


@dataclass(frozen=True)
class IngestResult:
    """What one call stored: new records, duplicates, and each record's id in the call's order."""

    inserted: int
    duplicates: int
    record_ids: list[int]


class IngestRefused(ValidationFailed):
    """Records of the call were refused, so none was written; `problems` by record index."""

    def __init__(self, problems: Problems) -> None:
        fields = {f"records[{index}].{name}": message
                  for index, messages in sorted(problems.items())
                  for name, message in messages.items()}
        count = len(problems)
        noun = "record was" if count == 1 else "records were"
        super().__init__(f"{count} {noun} refused; nothing was written.", fields)
        self.problems = problems


def check_batch_size(records: Sequence[Any]) -> None:
    """Refuse an empty call or one of more than MAX_RECORDS records."""
    if not 1 <= len(records) <= MAX_RECORDS:
        raise ValidationFailed(
            f"Send 1 to {MAX_RECORDS:,} records per call (got {len(records):,}).",
            {"records": f"must hold 1 to {MAX_RECORDS:,} records"})


def _parse_all(records: Sequence[Any], now: datetime) -> tuple[dict[int, dict], Problems]:
    """Each good record's values by index, and the problems of the others (repeats included)."""
    parsed: dict[int, dict] = {}
    problems: Problems = {}
    first_index: dict[str, int] = {}
    parsers = usage_input.field_parsers(now)
    for index, raw in enumerate(records):
        values, found = usage_input.parse_record(raw, now, parsers)
        if values is None:
            problems[index] = found
            continue
        earlier = first_index.setdefault(values["request_id"], index)
        if earlier != index:
            problems[index] = {"request_id": f"repeats records[{earlier}].request_id"}
            continue
        parsed[index] = values
    return parsed, problems


def _lock_references(parsed: Mapping[int, dict]) -> References:
    """Lock the models, the accounts the records name and the models' ledger (all shared),
    then read the price versions."""
    models = lock_models({values["model_id"] for values in parsed.values()}, shared=True)
    accounts = lock_accounts({values["account_id"] for values in parsed.values()}, shared=True)
    lock_ledger_models(models, shared=True)  # a re-costing batch of these models waits
    return References(models, accounts, PriceBook(models))


def _costed_rows(parsed: Mapping[int, dict], problems: Problems) -> dict[int, dict]:
    """The rows to store by index (values, cost, price version); adds to `problems`."""
    references = _lock_references(parsed)
    rows: dict[int, dict] = {}
    for index, values in parsed.items():
        row, found = costed_row(values, references)
        if found:
            problems[index] = found
        else:
            rows[index] = row
    return rows


def _differences(row: Mapping[str, Any], stored: Mapping[str, Any]) -> list[str]:
    """The sent fields whose value differs from the stored record's (times compared in UTC)."""
    def comparable(name: str, value: Any) -> Any:
        return as_utc(value) if name == "occurred_at" else value

    return [name for name in stored_records.SENT_COLUMNS
            if comparable(name, row[name]) != comparable(name, stored[name])]


def _ids_of_duplicates(rows: Mapping[int, dict], inserted: Mapping[str, int]) -> tuple[
        dict[int, int], Problems]:
    """The stored id of each identical re-send by index, and the problems of the others
    (rows neither inserted nor stored are left out: a refused call inserts nothing)."""
    skipped = {index: row for index, row in rows.items() if row["request_id"] not in inserted}
    stored = stored_records.by_request_ids(row["request_id"] for row in skipped.values())
    ids, problems = {}, {}
    for index, row in skipped.items():
        earlier = stored.get(row["request_id"])
        if earlier is None:
            continue
        differing = _differences(row, earlier)
        if differing:
            problems[index] = {"request_id": TakenMessage(
                f"is stored already (record {earlier['id']}) with other values of "
                f"{', '.join(differing)}; a re-send must repeat the record unchanged")}
        ids[index] = earlier["id"]
    return ids, problems


def ingest(records: Sequence[Any], actor: Actor, now: datetime | None = None) -> IngestResult:
    """Store the new records of one call with their cost and rollups; all or nothing.

    `records` are mappings with the fields of usage_input (JSON values: ints, ISO text);
    refused input raises IngestRefused (or ValidationFailed for the call's size).
    """
    records = list(records)
    check_batch_size(records)
    parsed, problems = _parse_all(records, now or utcnow())
    with unit_of_work(actor, "The usage records"):
        rows = _costed_rows(parsed, problems)
        if problems:  # report the records stored with other values at the same time
            refuse(IngestRefused({**_ids_of_duplicates(rows, {})[1], **problems}))
        inserted = stored_records.store(list(rows.values()))
        duplicate_ids, problems = _ids_of_duplicates(rows, inserted)
        if problems:
            refuse(IngestRefused(problems))
    record_ids = [inserted.get(rows[i]["request_id"]) or duplicate_ids[i]
                  for i in range(len(records))]
    return IngestResult(len(inserted), len(duplicate_ids), record_ids)
