"""The seed's image models and successors: gpt-image-1 priced, DALL-E pointing at it, idempotent."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.models import SLOTS, AIModelConfig
from igny8.services import replacement
from igny8.services.seed import load_entries, seed_catalogue


@pytest.fixture
def seed(app):
    """Run the seed the way the command does."""
    return lambda **kw: seed_catalogue(app.config["IGNY8_DEFAULT_MODELS"], **kw)


def named(db, name: str) -> AIModelConfig:
    """The catalogue row called `name`."""
    return db.session.scalars(select(AIModelConfig).where(AIModelConfig.model_name == name)).one()


def test_image_models_and_successors_are_seeded(db, seed):
    seed()
    image = named(db, "gpt-image-1")
    assert (image.model_type, image.is_active, image.price_per_image) == (
        "image", True, Decimal("0.042"))
    assert image.price_source and image.price_checked_on is not None
    assert named(db, "dall-e-3").successor_id == image.id
    assert named(db, "dall-e-2").successor_id == image.id
    assert image.successor_id == named(db, "gpt-image-2.5-sunburst").id
    assert named(db, "dall-e-3").id == 7


def test_seeding_again_changes_nothing(db, seed):
    seed()
    again = seed()
    assert again.created == [] and again.updated == [] and again.skipped == {}


def test_a_successor_named_in_the_file_that_breaks_a_rule_is_skipped(db, seed):
    entries = [dict(e, successor="gpt-4o") if e["model_name"] == "dall-e-2" else e
               for e in load_entries()]
    report = seed(entries=entries)
    assert report.skipped == {"openai/dall-e-2 successor": (
        "The successor must be an image model like this one; GPT-4o is a text model")}
    assert named(db, "dall-e-2").successor_id is None


def test_the_dalle_slot_has_a_live_replacement(db, seed):
    seed()
    dalle = named(db, "dall-e-3")
    plan = replacement.plan_replacement(dalle.id, named(db, "gpt-image-2.5-sunburst").id)
    assert [(place.where, place.slot) for place in plan.moves] == [
        ("Global Integration Settings", "dalle_model")]
    assert SLOTS["dalle_model"].why_not(named(db, "gpt-image-2.5-sunburst")) is None
