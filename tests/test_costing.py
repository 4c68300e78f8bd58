"""The costing core: the version in force at a time (boundaries) and the long-context cliff."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from igny8.errors import ValidationFailed
from igny8.models.prices import ModelPriceVersion
from igny8.services.costing import Counts, PriceBook, cost_of, price_in_force
from tests.factories import TextModelFactory

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
T1 = datetime(2026, 6, 1, 12, 30, tzinfo=timezone.utc)
FUTURE = datetime(2027, 1, 1, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)


@pytest.fixture
def history(db):
    """A text model with versions at T0, T1 and a scheduled one at FUTURE."""
    model = TextModelFactory(model_name="m", display_name="M")
    for moment, price in ((T0, "1.00"), (T1, "2.00"), (FUTURE, "3.00")):
        db.session.add(ModelPriceVersion(model_id=model.id, effective_from=moment,
                                         input_price_per_1m=Decimal(price),
                                         output_price_per_1m=Decimal("10")))
    db.session.commit()
    return model


@pytest.mark.parametrize("at, expected", [
    (T0 - SECOND, None), (T0, "1.00"), (T1 - SECOND, "1.00"), (T1, "2.00"),
    (FUTURE - SECOND, "2.00"), (FUTURE, "3.00"), (FUTURE + timedelta(days=400), "3.00")])
def test_the_price_in_force_at_the_boundaries(history, at, expected):
    found = price_in_force(history.id, at)
    booked = PriceBook([history.id]).in_force(history.id, at)
    assert (found and found.input_price_per_1m) == (expected and Decimal(expected))
    assert (booked and booked.id) == (found and found.id)


def test_a_naive_time_is_taken_as_utc(history):
    assert price_in_force(history.id, T1.replace(tzinfo=None)).input_price_per_1m == Decimal(2)
    local = T1.astimezone(timezone(timedelta(hours=2)))
    assert PriceBook([history.id]).in_force(history.id, local).input_price_per_1m == Decimal(2)


def test_a_model_without_versions_has_no_price_in_force(db):
    model = TextModelFactory(model_name="bare", display_name="Bare")
    assert price_in_force(model.id, FUTURE) is None
    assert PriceBook([model.id]).in_force(model.id, FUTURE) is None
    assert PriceBook([model.id]).versions(model.id) == []


def tiered(**tier) -> ModelPriceVersion:
    """A text version: $2 in / $1 cached / $8 out, with the tier given."""
    return ModelPriceVersion(input_price_per_1m=Decimal(2), cached_input_price_per_1m=Decimal(1),
                             output_price_per_1m=Decimal(8), **tier)


TIER = {"tier_threshold_tokens": 200_000, "tier_input_price_per_1m": Decimal(4),
        "tier_cached_input_price_per_1m": Decimal("0.5"), "tier_output_price_per_1m": Decimal(12)}


@pytest.mark.parametrize("input_tokens, expected", [
    # (input - cached) x in + cached x cached + output x out, per 1M; 1,000 cached, 10,000 out
    (199_999, (Decimal(198_999) * 2 + 1_000 * 1 + 10_000 * 8) / 1_000_000),
    (200_000, (Decimal(199_000) * 2 + 1_000 * 1 + 10_000 * 8) / 1_000_000),  # at: base
    (200_001, (Decimal(199_001) * 4 + Decimal(1_000) * Decimal("0.5") + 10_000 * 12)
     / 1_000_000),  # above: the tier on ALL tokens
])
def test_the_tier_is_a_cliff_on_the_whole_request(input_tokens, expected):
    counts = Counts(input_tokens=input_tokens, cached_input_tokens=1_000, output_tokens=10_000)
    assert cost_of(tiered(**TIER), counts, "text") == expected


def test_a_tier_price_of_zero_is_charged_as_zero():
    version = tiered(**{**TIER, "tier_output_price_per_1m": Decimal(0)})
    counts = Counts(input_tokens=300_000, output_tokens=50_000)
    assert cost_of(version, counts, "text") == Decimal(300_000 * 4) / 1_000_000


def test_a_missing_tier_price_falls_back_to_the_base_price():
    version = tiered(tier_threshold_tokens=200_000, tier_input_price_per_1m=Decimal(4))
    counts = Counts(input_tokens=300_000, cached_input_tokens=100_000, output_tokens=1_000_000)
    assert cost_of(version, counts, "text") == Decimal(200_000 * 4 + 100_000 * 1) / 1_000_000 + 8


def test_cached_tokens_fall_back_to_the_input_price_and_images_cost_per_image():
    version = ModelPriceVersion(input_price_per_1m=Decimal(3), output_price_per_1m=Decimal(6),
                                price_per_image=Decimal("0.04"))
    assert cost_of(version, Counts(1_000_000, 500_000, 0), "text") == Decimal(3)
    assert cost_of(version, Counts(images=3), "image") == Decimal("0.12")


def test_a_missing_price_is_refused_with_a_message():
    with pytest.raises(ValidationFailed, match="price per image"):
        cost_of(ModelPriceVersion(), Counts(images=1), "image")
    with pytest.raises(ValidationFailed, match="input/output"):
        cost_of(ModelPriceVersion(input_price_per_1m=Decimal(1)), Counts(1, 0, 1), "text")
