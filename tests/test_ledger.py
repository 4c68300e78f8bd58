"""ledger.ingest: costs at the version in force, rollups, idempotent re-sends, refusals by index."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from igny8.errors import ValidationFailed
from igny8.services import audit, ledger
from igny8.services.usage_store import records as usage_records
from tests.helpers.rows import rollup_rows, stored_records, sums_agree
from tests.ingest_world import make_ledger
from tests.ingest_world import sent_record as record


@pytest.fixture
def world(db):
    """The accounts, models and price versions of tests/usage_data.py, committed."""
    return make_ledger()


def ingest(records):
    """Ingest as the CLI."""
    return ledger.ingest(records, audit.CLI)


def refusal(records) -> dict[str, str]:
    """The per-field messages of a refused call."""
    with pytest.raises(ValidationFailed) as refused:
        ingest(records)
    return refused.value.fields


def test_costs_follow_the_version_in_force_with_cached_tokens_and_the_tier_cliff(world):
    result = ingest([
        record(world, "march"),  # v1: 600 x 0.15 + 400 x 0.075 + 500 x 0.60 per 1M
        record(world, "july-at-threshold", occurred_at="2026-07-01T08:00:00+00:00",
               input_tokens=200_000, cached_input_tokens=0, output_tokens=1000),
        record(world, "july-over", occurred_at="2026-07-01T09:00:00Z", input_tokens=200_001,
               cached_input_tokens=1, output_tokens=1000),  # the tier, cached at tier input
        {"request_id": "image", "account_id": world.account, "model_id": world.image,
         "occurred_at": "2026-02-02T00:00:00Z", "images": 3, "slot": "dalle_model"},
    ])
    assert (result.inserted, result.duplicates) == (4, 0)
    rows = {r.request_id: r for r in stored_records()}
    assert result.record_ids == [rows[k].id for k in ("march", "july-at-threshold", "july-over",
                                                      "image")]
    assert rows["march"].cost == Decimal("0.000420")  # (90 + 30 + 300) / 1M
    assert rows["july-at-threshold"].cost == Decimal("0.0408")  # (40000 + 800) / 1M
    assert rows["july-over"].cost == Decimal("0.0816004")  # (80000 + 0.4 + 1600) / 1M
    assert rows["image"].cost == Decimal("0.12")
    assert [rows[k].price_version_id for k in ("march", "july-over")] == [
        world.text_v1, world.text_v2]
    assert rows["image"].slot == "dalle_model" and rows["march"].slot is None
    assert (world.account, world.text, date(2026, 7, 1), 2, 400_001, 1, 2000, 0,
            Decimal("0.1224004")) in rollup_rows()
    assert sums_agree()


def test_the_version_starts_exactly_at_its_effective_from(world):
    ingest([record(world, "before", occurred_at="2026-05-31T23:59:59.999999Z"),
            record(world, "at", occurred_at="2026-06-01T00:00:00Z"),
            record(world, "offset", occurred_at="2026-06-01T01:30:00+02:00")])
    rows = {r.request_id: r for r in stored_records()}
    assert rows["before"].price_version_id == world.text_v1
    assert rows["at"].price_version_id == world.text_v2
    # 01:30 at +02:00 is 23:30 UTC the day before: the first version, the day of May 31.
    assert rows["offset"].price_version_id == world.text_v1
    assert rows["offset"].occurred_at.replace(tzinfo=None) == datetime(2026, 5, 31, 23, 30)
    assert {row[2] for row in rollup_rows()} == {date(2026, 5, 31), date(2026, 6, 1)}


def test_sending_the_same_call_twice_stores_and_counts_each_record_once(world):
    batch = [record(world, "a"), record(world, "b", output_tokens=7)]
    first = ingest(batch)
    rollups = rollup_rows()
    second = ingest(batch)
    assert (first.inserted, first.duplicates) == (2, 0)
    assert (second.inserted, second.duplicates) == (0, 2)
    assert second.record_ids == first.record_ids
    assert len(stored_records()) == 2 and rollup_rows() == rollups


def test_a_call_mixing_new_and_stored_records_answers_ids_in_its_order(world):
    first = ingest([record(world, "a")])
    mixed = ingest([record(world, "new"), record(world, "a")])
    assert (mixed.inserted, mixed.duplicates) == (1, 1)
    assert mixed.record_ids[1] == first.record_ids[0]
    assert usage_records.get_by_request_id("new")["id"] == mixed.record_ids[0]
    assert usage_records.get_by_request_id("missing") is None
    assert rollup_rows()[0][3] == 2


def test_a_stored_request_id_with_other_values_is_refused_and_nothing_is_written(world):
    ingest([record(world, "a")])
    fields = refusal([record(world, "fresh"), record(world, "a", output_tokens=501)])
    assert list(fields) == ["records[1].request_id"]
    assert "other values of output_tokens" in fields["records[1].request_id"]
    assert [r.request_id for r in stored_records()] == ["a"]
    assert rollup_rows()[0][3] == 1


def test_a_refused_call_also_names_its_records_stored_with_other_values(world):
    ingest([record(world, "a")])
    fields = refusal([record(world, "a", input_tokens=2000), record(world, "b", model_id=999)])
    assert set(fields) == {"records[0].request_id", "records[1].model_id"}
    assert "other values of input_tokens" in fields["records[0].request_id"]
    assert [r.request_id for r in stored_records()] == ["a"]


def test_the_same_time_written_with_another_offset_is_the_same_record(world):
    ingest([record(world, "a", occurred_at="2026-03-01T10:00:00Z")])
    again = ingest([record(world, "a", occurred_at="2026-03-01T11:00:00+01:00")])
    assert (again.inserted, again.duplicates) == (0, 1)


def bad(world, **changes):
    """A record with changes."""
    return record(world, **{"request_id": "bad", **changes})


REFUSALS = [
    ("unknown account", dict(account_id=999), "account_id", "unknown account: 999"),
    ("archived account", "archived", "account_id", "archived account: "),
    ("unknown model", dict(model_id=999), "model_id", "no AI model has id 999"),
    ("negative count", dict(output_tokens=-1), "output_tokens", "from 0 to"),
    ("fractional count", dict(input_tokens=1.5), "input_tokens", "whole number"),
    ("count as text", dict(input_tokens="1000"), "input_tokens", "whole number"),
    ("count as boolean", dict(output_tokens=True), "output_tokens", "whole number"),
    ("count over the bound", dict(output_tokens=10**9), "output_tokens", "100,000,000"),
    ("cached over input", dict(cached_input_tokens=1001), "cached_input_tokens",
     "must not exceed input_tokens"),
    ("images on a text model", dict(images=1), "images", "is a text model"),
    ("tokens on an image model", "image_tokens", "input_tokens", "is an image model"),
    ("before the first version", dict(occurred_at="2025-12-31T23:59:59Z"), "occurred_at",
     "before its first price version"),
    ("no version at all", "no_versions", "occurred_at", "before its first price version"),
    ("missing price of the type", "unpriced", "output_tokens",
     "has no output price per 1M tokens"),
    ("time without offset", dict(occurred_at="2026-03-01T10:00:00"), "occurred_at",
     "UTC offset"),
    ("not a time", dict(occurred_at="yesterday"), "occurred_at", "ISO 8601"),
    ("time in the future", "future", "occurred_at", "in the future"),
    ("empty request id", dict(request_id=" "), "request_id", "must not be empty"),
    ("long request id", dict(request_id="x" * 201), "request_id", "at most 200"),
    ("missing model", dict(model_id=None), "model_id", "is required"),
    ("unknown slot", dict(slot="video"), "slot", "must be one of openai_model"),
    ("slot of another type", dict(slot="dalle_model"), "slot", "cannot hold gpt-4o-mini"),
    ("unknown field", dict(tokens=5), "tokens", "is not a field"),
]


def refused_record(world, changes):
    """The bad record a REFUSALS entry describes."""
    special = {
        "archived": dict(account_id=world.archived),
        "image_tokens": dict(model_id=world.image, images=1),
        "no_versions": dict(model_id=world.no_versions),
        "unpriced": dict(model_id=world.unpriced),
        "future": dict(occurred_at=(datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()),
    }
    return bad(world, **(special[changes] if isinstance(changes, str) else changes))


@pytest.mark.parametrize("case, changes, field, message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_refusal_names_the_record_and_field_and_writes_nothing(
        world, case, changes, field, message):
    fields = refusal([record(world, "good"), refused_record(world, changes)])
    assert f"records[1].{field}" in fields, fields
    assert message in fields[f"records[1].{field}"]
    assert not any(name.startswith("records[0]") for name in fields)
    assert stored_records() == [] and rollup_rows() == []


def test_every_bad_record_of_a_call_is_reported_at_once(world):
    with pytest.raises(ledger.IngestRefused) as refused:
        ingest([record(world, "a"), record(world, "b", model_id=999), "not an object",
                record(world, "a"), record(world, "c", account_id=999, images=2)])
    assert refused.value.message == "4 records were refused; nothing was written."
    assert set(refused.value.fields) == {
        "records[1].model_id", "records[2]._record", "records[3].request_id",
        "records[4].account_id", "records[4].images"}
    assert refused.value.fields["records[3].request_id"] == "repeats records[0].request_id"
    assert sorted(refused.value.problems) == [1, 2, 3, 4]
    assert stored_records() == []


@pytest.mark.parametrize("size", [0, ledger.MAX_RECORDS + 1])
def test_a_call_holds_1_to_1000_records(world, size):
    fields = refusal([record(world, f"r{i}") for i in range(size)])
    assert fields == {"records": "must hold 1 to 1,000 records"}
    assert stored_records() == []


def test_a_full_call_is_stored_in_a_constant_number_of_statements(world, count_queries):
    with count_queries() as small:
        ingest([record(world, f"s{i}") for i in range(10)])
    with count_queries() as full:
        result = ingest([record(world, f"f{i}", output_tokens=i) for i in range(1000)])
    assert result.inserted == 1000 and len(stored_records()) == 1010
    assert full.count == small.count
    assert sums_agree()
