"""Usage and cost reports: sums from the rollups equal hand-computed sums; filters; pages."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from igny8.errors import ValidationFailed
from igny8.services import usage_reports
from igny8.services.usage_filters import CURSOR_PATTERN, decode_cursor, encode_cursor, parse_scope
from igny8.services.usage_store.reports import Cursor
from tests.factories import AccountFactory, record_usage
from tests.ledger import TOTAL_COST, create_sample, utc


@pytest.fixture
def sample(db):
    """The shared sample ledger, committed."""
    return create_sample(db)


def by_key(table):
    """A cost table's rows as key -> (records, cost)."""
    return {row.key: (row.sums.records, row.sums.cost) for row in table.rows}


def test_costs_by_model_account_and_day_equal_the_hand_computed_sums(sample):
    by_model = usage_reports.costs({}, "model")
    assert by_key(by_model) == {sample.dalle: (1, Decimal("0.08")),
                                sample.gpt: (4, Decimal("0.001726"))}
    labels = [row.label for row in by_model.rows]
    assert labels == ["DALL-E 3 (dall-e-3)", "GPT-4o Mini (gpt-4o-mini)"]
    assert by_model.totals.cost == TOTAL_COST == Decimal("0.081726")
    assert by_model.totals.records == 5 and by_model.totals.images == 2
    assert by_model.totals.input_tokens == 1200 + 4000 + 1000 + 5
    assert by_key(usage_reports.costs({}, "account")) == {
        sample.northwind: (2, Decimal("0.08015")), sample.acme: (3, Decimal("0.001576"))}
    days = usage_reports.costs({}, "day")
    assert len(days.rows) == 30 and days.rows[0].key == date(2026, 11, 2)
    assert {key: value for key, value in by_key(days).items() if value[0]} == {
        date(2026, 11, 29): (2, Decimal("0.08015")), date(2026, 11, 30): (2, Decimal("0.001575")),
        date(2026, 12, 1): (1, Decimal("0.000001"))}
    assert days.totals == by_model.totals


def test_filters_narrow_the_costs_to_an_account_a_model_and_a_range(sample):
    table = usage_reports.costs({"account_id": str(sample.acme), "model_id": str(sample.gpt),
                                 "start": "2026-11-30", "end": "2026-11-30"}, "day")
    assert by_key(table) == {date(2026, 11, 30): (2, Decimal("0.001575"))}
    october = usage_reports.costs({"start": "2026-10-01", "end": "2026-10-31"}, "model")
    assert by_key(october) == {sample.dalle: (1, Decimal("0.04"))}
    midnight = usage_reports.costs({"start": "2026-10-15T00:00:00Z", "end": "2026-10-15"},
                                   "account")
    assert by_key(midnight) == {sample.acme: (1, Decimal("0.04"))}


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"start": "30/11/2026"}, "start", "Not a valid start"),
    ({"end": "2026-02-30"}, "end", "Not a valid end"),
    ({"start": "2026-11-30", "end": "2026-11-01"}, "end", "The end is before the start."),
    ({"start": "2025-01-01", "end": "2026-11-01"}, "end", "at most 366 days"),
    ({"account_id": "abc"}, "account_id", "positive whole number"),
    ({"account_id": "999"}, "account_id", "There is no account with id 999."),
    ({"model_id": "0"}, "model_id", "positive whole number"),
    ({"model_id": "999"}, "model_id", "There is no AI model with id 999."),
    ({"start": "2026-11-30T12:00:00Z"}, "start", "summed per UTC day"),
])
def test_bad_filters_are_refused_naming_the_field(sample, values, field, message):
    with pytest.raises(ValidationFailed) as refused:
        usage_reports.costs(values, "model")
    assert list(refused.value.fields) == [field]
    assert message in refused.value.fields[field]


def test_an_instant_range_selects_records_to_the_microsecond(sample):
    page = usage_reports.usage_page({"start": "2026-11-30T10:00:00+00:00",
                                     "end": "2026-11-30T17:59:59.999999Z"})
    assert [row.record.request_id for row in page.rows] == ["acme_gpt_morning"]
    offset = usage_reports.usage_page({"start": "2026-12-02T00:59:59+01:00"})
    assert [row.record.request_id for row in offset.rows] == ["acme_gpt_last_second"]


def test_usage_pages_run_newest_first_by_cursor_with_names_and_cost(sample):
    first = usage_reports.usage_page({}, limit=2)
    assert [(row.record.request_id, row.account_name, row.model_name, row.record.cost)
            for row in first.rows] == [
        ("acme_gpt_last_second", "Acme Publishing", "GPT-4o Mini (gpt-4o-mini)",
         Decimal("0.000001")),
        ("acme_gpt_evening", "Acme Publishing", "GPT-4o Mini (gpt-4o-mini)", Decimal("0.0012"))]
    second = usage_reports.usage_page({}, first.next_after, limit=2)
    third = usage_reports.usage_page({}, second.next_after, limit=2)
    assert [row.record.request_id for row in second.rows + third.rows] == [
        "acme_gpt_morning", "north_dalle", "north_gpt"]
    assert third.next_after is None
    northwind = usage_reports.usage_page({"account_id": str(sample.northwind),
                                          "model_id": str(sample.dalle)})
    assert [row.record.request_id for row in northwind.rows] == ["north_dalle"]


def test_records_at_the_same_instant_are_paged_by_id(db, sample):
    same = [record_usage(sample.acme, sample.gpt, utc(2026, 11, 20, 12), "0.01",
                         sample.versions["gpt"], request_id=f"same-{n}").id for n in range(3)]
    db.session.commit()
    scope = {"start": "2026-11-20", "end": "2026-11-20"}
    first = usage_reports.usage_page(scope, limit=2)
    rest = usage_reports.usage_page(scope, first.next_after, limit=2)
    assert [row.record.id for row in first.rows + rest.rows] == sorted(same, reverse=True)


def test_a_forged_cursor_is_refused_naming_after(sample):
    with pytest.raises(ValidationFailed) as refused:
        usage_reports.usage_page({}, "not-a-cursor")
    assert list(refused.value.fields) == ["after"]


@pytest.mark.parametrize("moment", [
    datetime(2026, 11, 29, 12, 0, 0, 123456, tzinfo=timezone.utc),
    datetime(2026, 11, 29, 13, 0, 0, 1, tzinfo=timezone(timedelta(hours=1))),
    datetime(2026, 11, 29, 12, 0, 0, 1),  # SQLite reads stored UTC times back naive
])
def test_a_cursor_names_its_position_to_the_microsecond(moment):
    token = encode_cursor(Cursor(moment, 42))
    assert re.fullmatch(CURSOR_PATTERN, token)
    decoded = decode_cursor(token)
    utc = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    assert (decoded.occurred_at, decoded.record_id) == (utc, 42)


def test_totals_of_the_usage_screen_come_from_the_rollups(sample, count_queries):
    scope = parse_scope({"account_id": str(sample.acme)})
    with count_queries() as counter:
        totals = usage_reports.usage_totals(scope)
    assert counter.count == 1
    assert (totals.records, totals.cost) == (3, Decimal("0.001576"))


@pytest.mark.parametrize("group_by", usage_reports.GROUPINGS)
def test_a_cost_report_takes_the_same_queries_however_much_usage(
        db, sample, count_queries, group_by):
    filters = {"account_id": str(sample.acme)}
    with count_queries() as counter:
        usage_reports.costs(filters, group_by)
    before = counter.count
    for n in range(5):
        account = AccountFactory(name=f"More {n}")
        record_usage(account.id, sample.gpt, utc(2026, 11, 10 + n), "0.5", sample.versions["gpt"])
    db.session.commit()
    with count_queries() as counter:
        usage_reports.costs({}, group_by)
    # one id check (account_id) less, as many aggregates and name look-ups
    assert counter.count == before - 1 <= 2


def test_a_usage_page_takes_three_queries_whatever_its_size(sample, count_queries):
    filters = {"model_id": str(sample.gpt)}
    with count_queries() as counter:
        small = usage_reports.usage_page(filters, limit=1)
    with count_queries() as larger:
        big = usage_reports.usage_page(filters, limit=100)
    assert (len(small.rows), len(big.rows)) == (1, 4)
    assert counter.count == larger.count == 3  # the id check, the records, the names
