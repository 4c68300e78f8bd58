"""Projections (services/projection.py) equal a hand computation, record by record."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models import UsageRecord
from igny8.services import projection
from igny8.services.projection_figures import Uncovered
from igny8.services.costing import Counts, cost_of, price_in_force
from tests.factories import (
    AccountFactory,
    GlobalSettingsFactory,
    ImageModelFactory,
    IntegrationSettingsFactory,
    TextModelFactory,
)
from tests.ledger import at, record, version

D = Decimal


@pytest.fixture
def pair(db):
    """Source S ($1 in / $2 out, no cached price) and target T with two versions: v1 from
    Nov 1 (cached $0.50, a tier above 1,000 input tokens), v2 from Nov 10 12:00 (no cached
    price: cached tokens cost its input price; no tier)."""
    source, target = TextModelFactory(model_name="source-s"), TextModelFactory(model_name="t")
    version(source, "1970-01-01", input_price_per_1m="1", output_price_per_1m="2")
    version(target, "2026-11-01", input_price_per_1m="2", cached_input_price_per_1m="0.5",
            output_price_per_1m="8", tier_threshold_tokens=1000,
            tier_input_price_per_1m="4", tier_output_price_per_1m="16")
    version(target, "2026-11-10 12:00", input_price_per_1m="3", output_price_per_1m="9")
    a, b = AccountFactory(name="Alpha"), AccountFactory(name="Beta")
    return source, target, a, b


def hand_example(pair):
    """The records of the worked example (costs worked out by hand in the test below)."""
    source, _, a, b = pair
    record(a, source, "2026-11-07 23:59:59", 100, 0, 100)  # before the period
    record(a, source, "2026-11-08 10:00", 500, 100, 200)  # v1 base, cached at 0.50
    record(a, source, "2026-11-08 11:00", 2000, 0, 100)  # v1 tier: all its tokens
    record(b, source, "2026-11-09 09:00", 1000, 1000, 0)  # at the threshold: base
    record(a, source, "2026-11-10 11:59", 100, 0, 100)  # v1, on the day v2 starts
    record(a, source, "2026-11-10 12:00", 100, 50, 100)  # v2 exactly at its start
    record(b, source, "2026-11-11 08:00", 3000, 0, 10)  # v2 has no tier
    record(b, source, "2026-11-12 00:00", 100, 0, 100)  # after the period
    db.session.commit()


def test_the_worked_example_equals_the_hand_computation(pair):
    source, target, a, b = pair
    hand_example(pair)
    result = projection.project(source.id, target.id, date(2026, 11, 8), date(2026, 11, 11))
    # Actual at S: 900 + 2200 + 300 + 300 = 3700 (Alpha), 1000 + 3020 = 4020 (Beta) micro-$.
    # At T: Alpha 400x2+100x0.5+200x8 = 2450, tier 2000x4+100x16 = 9600, v1 100x2+100x8 = 1000,
    # v2 (50+50)x3+100x9 = 1200 -> 14250; Beta 1000x0.5 = 500, 3000x3+10x9 = 9090 -> 9590.
    assert (result.records, result.actual, result.projected) == (6, D("0.00772"), D("0.02384"))
    assert result.difference == D("0.01612")
    assert result.difference_percent == D("208.81")
    alpha, beta = result.accounts
    assert (alpha.account_name, alpha.records, alpha.actual, alpha.projected) == (
        "Alpha", 4, D("0.0037"), D("0.01425"))
    assert (beta.account_name, beta.records, beta.actual, beta.projected) == (
        "Beta", 2, D("0.00402"), D("0.00959"))
    assert result.uncovered is None


def test_one_account_only(pair):
    source, target, _, b = pair
    hand_example(pair)
    result = projection.project(source.id, target.id, date(2026, 11, 8), date(2026, 11, 11),
                                account_id=b.id)
    assert [a.account_name for a in result.accounts] == ["Beta"]
    assert (result.actual, result.projected) == (D("0.00402"), D("0.00959"))


def brute_force(source, target, start, end):
    """Every record of the period costed alone at the target's version then in force."""
    records = db.session.scalars(db.select(UsageRecord).where(
        UsageRecord.model_id == source.id, UsageRecord.occurred_at >= at(str(start)),
        UsageRecord.occurred_at < at(str(end + timedelta(days=1))))).all()
    projected = sum(cost_of(price_in_force(target.id, r.occurred_at),
                            Counts(r.input_tokens, r.cached_input_tokens, r.output_tokens),
                            "text") for r in records)
    return len(records), sum(r.cost for r in records), projected


def test_rollup_days_and_raw_days_together_equal_record_by_record_costing(pair):
    source, target, a, b = pair
    version(target, "2026-11-14", input_price_per_1m="1.25", cached_input_price_per_1m="0.1",
            output_price_per_1m="5", tier_threshold_tokens=4000, tier_input_price_per_1m="2.5",
            tier_cached_input_price_per_1m="0.2")
    version(target, "2026-11-17 06:30", input_price_per_1m="0.7", output_price_per_1m="2.8")
    rng = random.Random(9)
    for n in range(300):
        moment = at("2026-11-05") + timedelta(minutes=rng.randrange(20 * 24 * 60))
        prompt = rng.choice([10, 800, 1000, 1001, 3999, 4001, 9000])
        record(rng.choice([a, b]), source, moment.strftime("%Y-%m-%d %H:%M"), prompt,
               rng.randrange(prompt + 1), rng.randrange(3000))
    db.session.commit()
    start, end = date(2026, 11, 6), date(2026, 11, 22)
    result = projection.project(source.id, target.id, start, end)
    assert (result.records, result.actual, result.projected) == brute_force(
        source, target, start, end)


def test_the_number_of_queries_does_not_grow_with_the_data(pair, count_queries):
    source, target, a, b = pair
    hand_example(pair)
    ids = source.id, target.id  # loaded before counting: the commit expired them
    with count_queries() as few:
        projection.project(*ids, date(2026, 11, 8), date(2026, 11, 11))
    for day in range(8, 20):
        for account in (a, b, AccountFactory()):
            record(account, source, f"2026-11-{day:02d} 13:00", 5000, 10, 10)
    version(target, "2026-11-15 09:00", input_price_per_1m="1", output_price_per_1m="1",
            tier_threshold_tokens=100, tier_input_price_per_1m="2")
    db.session.commit()
    with count_queries() as many:
        result = projection.project(*ids, date(2026, 11, 8), date(2026, 11, 19))
    assert result.records == 36 + 7  # and the example's records of Nov 8-12
    planned = 1 if db.engine.dialect.name == "postgresql" else 0
    assert len(many.statements) == len(few.statements) == 7 + planned
    # models, versions, sums, tier days, (PostgreSQL: custom plans, see
    # usage_store.projection.plan_for_these_values), tier sums, records, account names


def test_usage_before_the_targets_first_price_is_reported_apart(pair):
    source, _, a, _ = pair
    late = TextModelFactory(model_name="late")
    version(late, "2026-11-09 06:00", input_price_per_1m="10", output_price_per_1m="10")
    record(a, source, "2026-11-08 10:00", 100, 0, 100)
    record(a, source, "2026-11-09 05:59", 100, 0, 100)
    record(a, source, "2026-11-09 06:00", 100, 0, 100)
    db.session.commit()
    result = projection.project(source.id, late.id, date(2026, 11, 8), date(2026, 11, 9))
    assert (result.records, result.actual, result.projected) == (1, D("0.0003"), D("0.002"))
    assert result.uncovered == Uncovered(2, D("0.0006"), date(2026, 11, 8), date(2026, 11, 9))


def test_a_version_without_prices_counts_as_uncovered(pair):
    source, _, a, _ = pair
    unpriced = TextModelFactory(model_name="unpriced")
    version(unpriced, "2026-01-01", output_price_per_1m="1")
    record(a, source, "2026-11-08 10:00", 100, 0, 100)
    db.session.commit()
    result = projection.project(source.id, unpriced.id, date(2026, 11, 8), date(2026, 11, 8))
    assert (result.records, result.actual, result.accounts) == (0, D(0), [])
    assert result.difference_percent is None
    assert result.uncovered.records == 1


def test_images_project_per_image(db):
    dalle, flux = ImageModelFactory(model_name="d"), ImageModelFactory(model_name="f")
    version(dalle, "1970-01-01", price_per_image="0.04")
    version(flux, "1970-01-01", price_per_image="0.003")
    record(AccountFactory(), dalle, "2026-11-08 10:00", images=25)
    db.session.commit()
    result = projection.project(dalle.id, flux.id, date(2026, 11, 8), date(2026, 11, 8))
    assert (result.actual, result.projected, result.difference_percent) == (
        D("1.00"), D("0.075"), D("-92.50"))


def refusal(call) -> ValidationFailed:
    """The ValidationFailed `call` raises."""
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value


def test_a_projection_across_types_is_refused_naming_the_target(pair):
    source, _, _, _ = pair
    image = ImageModelFactory(model_name="pictures")
    error = refusal(lambda: projection.project(source.id, image.id, date(2026, 11, 1),
                                               date(2026, 11, 2)))
    assert error.fields == {"to_model": "pictures is an image model and source-s a text model:"
                                        " a projection compares models of one type"}


def test_unknown_ids_and_a_reversed_period_are_refused_naming_the_field(pair):
    source, target, _, _ = pair
    days = (date(2026, 11, 1), date(2026, 11, 2))
    assert set(refusal(lambda: projection.project(999, target.id, *days)).fields) == {
        "from_model"}
    assert set(refusal(lambda: projection.project(source.id, 999, *days)).fields) == {"to_model"}
    assert refusal(lambda: projection.project(source.id, target.id, *days, account_id=999)
                   ).fields == {"account": "no account with id 999"}
    assert set(refusal(lambda: projection.project(source.id, target.id, days[1], days[0])
                       ).fields) == {"end"}
    assert set(refusal(lambda: projection.project(
        source.id, target.id, date(2025, 1, 1), date(2026, 1, 2))).fields) == {"end"}


def test_a_slot_projects_the_usage_of_the_accounts_following_it(pair):
    source, target, a, b = pair
    GlobalSettingsFactory(openai_model_id=source.id)
    IntegrationSettingsFactory(account=b, config={"openai_model_id": target.id})
    archived = AccountFactory(name="Gone", archived_at=at("2026-11-20"))
    for account in (a, b, archived):
        record(account, source, "2026-11-08 10:00", 500, 100, 200)
    db.session.commit()
    result = projection.project_slot("openai_model", target.id, date(2026, 11, 8),
                                     date(2026, 11, 8))
    assert [(x.account_name, x.projected) for x in result.accounts] == [("Alpha", D("0.00245"))]
    assert (result.source.id, result.slot) == (source.id, "openai_model")


def test_a_slot_without_a_model_is_refused(pair):
    _, target, _, _ = pair
    GlobalSettingsFactory()
    db.session.commit()
    error = refusal(lambda: projection.project_slot("text_model", target.id, date(2026, 11, 8),
                                                    date(2026, 11, 8)))
    assert error.fields == {"slot": "Text model (any provider) is not set: no model to project"
                                    " from"}


def test_every_source_of_the_type_is_projected_to_a_target(pair):
    source, target, a, _ = pair
    other = TextModelFactory(model_name="other")
    version(other, "1970-01-01", input_price_per_1m="5", output_price_per_1m="5")
    record(a, source, "2026-11-08 10:00", 500, 100, 200)
    record(a, other, "2026-11-08 10:00", 1000, 0, 0)
    record(a, target, "2026-11-08 10:00", 1000, 0, 0)  # the target's own usage is left out
    db.session.commit()
    found = projection.project_sources(target.id, date(2026, 11, 8), date(2026, 11, 8))
    assert [(p.source.model_name, p.actual, p.projected) for p in found] == [
        ("other", D("0.005"), D("0.002")), ("source-s", D("0.0009"), D("0.00245"))]


def test_a_tier_projection_is_planned_for_its_values_on_postgresql(pair, count_queries):
    """A prepared statement's generic plan cannot see how few records cross a threshold (it
    scanned the whole period on 10M records), so the tier sums run with custom plans."""
    source, target, _a, _b = pair
    hand_example(pair)
    ids = source.id, target.id
    with count_queries() as counted:
        for _ in range(7):  # beyond psycopg's prepare threshold (5)
            projection.project(*ids, date(2026, 11, 8), date(2026, 11, 11))
    settings = [sql for sql in counted.statements if "plan_cache_mode" in sql]
    if db.engine.dialect.name == "postgresql":
        assert len(settings) == 7
        mode = db.session.execute(db.text("SHOW plan_cache_mode")).scalar()
        assert mode == "force_custom_plan"  # for the rest of this transaction
    else:
        assert settings == []


def test_the_refusal_reads_right_either_way_round(pair):
    source, _, _, _ = pair
    image = ImageModelFactory(model_name="pictures")
    error = refusal(lambda: projection.project(image.id, source.id, date(2026, 11, 1),
                                               date(2026, 11, 2)))
    assert error.fields["to_model"].startswith("source-s is a text model and pictures an image")
