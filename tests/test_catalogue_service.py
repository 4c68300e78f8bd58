"""The catalogue rules: every rule of model_errors, create/update without partial writes, lookup."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from igny8.errors import TakenMessage, ValidationFailed
from igny8.models import AIModelConfig
from igny8.pricing import format_usd
from igny8.services.catalogue import (
    create_model,
    find_by_name,
    list_models,
    update_model,
)
from igny8.services.catalogue_rules import model_errors
from tests.factories import ImageModelFactory, TextModelFactory

TEXT = {
    "provider": "openai",
    "model_type": "text",
    "model_name": "gpt-4o-mini",
    "display_name": "GPT-4o Mini",
    "is_active": True,
    "input_price_per_1m": Decimal("0.15"),
    "output_price_per_1m": Decimal("0.60"),
}
IMAGE = {
    "provider": "openai",
    "model_type": "image",
    "model_name": "dall-e-3",
    "display_name": "DALL-E 3",
    "is_active": True,
    "price_per_image": Decimal("0.04"),
}


def row_count(db) -> int:
    """Rows in the catalogue table, read fresh from the database."""
    return db.session.scalar(select(func.count()).select_from(AIModelConfig))


def test_create_model_stores_the_row(db):
    model = create_model(**TEXT, context_window=128000, aliases=["gpt-4o-mini-2024-07-18"])
    db.session.expire_all()
    stored = db.session.get(AIModelConfig, model.id)
    assert stored.origin == "manual"
    assert stored.input_price_per_1m == Decimal("0.15")
    assert stored.aliases == ["gpt-4o-mini-2024-07-18"]
    assert stored.label == "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens"


def test_create_model_converts_strings_and_strips_names(db):
    model = create_model(**{**TEXT, "model_name": "  gpt-4o-mini ", "input_price_per_1m": "0.15",
                            "output_price_per_1m": "0.6", "deprecation_date": "2027-01-14",
                            "aliases": [" mini "]})
    db.session.expire_all()
    stored = db.session.get(AIModelConfig, model.id)
    assert (stored.model_name, stored.aliases) == ("gpt-4o-mini", ["mini"])
    assert stored.output_price_per_1m == Decimal("0.6")
    assert stored.deprecation_date == date(2027, 1, 14)


def test_an_inactive_model_may_have_no_pricing(db):
    model = create_model(provider="runware", model_type="image", model_name="runware-flux-1-dev",
                         display_name="Runware FLUX.1 dev")
    assert (model.is_active, model.price_text) == (False, "no pricing")
    assert row_count(db) == 1


BAD_FIELDS = [
    ({"provider": "acme"}, "provider", "Unknown provider 'acme'"),
    ({"provider": ""}, "provider", "provider is required"),
    ({"model_type": "video"}, "model_type", "Unknown model_type 'video'"),
    ({"model_name": "   "}, "model_name", "model_name is required"),
    ({"display_name": ""}, "display_name", "display_name is required"),
    ({"model_name": "x" * 101}, "model_name", "at most 100"),
    ({"origin": "robot"}, "origin", "Unknown origin 'robot'"),
    ({"input_price_per_1m": "-0.01"}, "input_price_per_1m", "must be 0 or more"),
    ({"cached_input_price_per_1m": Decimal("-1")}, "cached_input_price_per_1m", "0 or more"),
    ({"output_price_per_1m": "abc"}, "output_price_per_1m", "must be a decimal amount"),
    ({"output_price_per_1m": 0.6}, "output_price_per_1m", "not 0.6"),
    ({"input_price_per_1m": "0.1234567"}, "input_price_per_1m", "at most 6 decimal places"),
    ({"input_price_per_1m": "100000000"}, "input_price_per_1m", "must be below"),
    ({"output_price_per_1m": None}, "output_price_per_1m", "required for an active text model"),
    ({"context_window": 0}, "context_window", "between 1 and"),
    ({"max_output_tokens": -5}, "max_output_tokens", "between 1 and"),
    ({"context_window": "big"}, "context_window", "whole number"),
    ({"aliases": ["ok", ""]}, "aliases", "non-empty"),
    ({"aliases": ["mini", "mini"]}, "aliases", "'mini' is listed twice"),
    ({"aliases": ["gpt-4o-mini"]}, "aliases", "the model's own name"),
    ({"aliases": "mini"}, "aliases", "must be a list"),
    ({"deprecation_date": "2026-13-01"}, "deprecation_date", "must be a date"),
]


@pytest.mark.parametrize(("override", "field", "message"), BAD_FIELDS)
def test_create_model_refuses_bad_input_and_writes_nothing(db, override, field, message):
    with pytest.raises(ValidationFailed) as failure:
        create_model(**{**TEXT, **override})
    assert message in failure.value.fields[field]
    assert field in failure.value.message
    assert row_count(db) == 0


def test_negative_image_price_is_refused(db):
    with pytest.raises(ValidationFailed) as failure:
        create_model(**{**IMAGE, "price_per_image": "-0.04"})
    assert failure.value.fields == {"price_per_image": "price_per_image must be 0 or more"}


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({**TEXT, "input_price_per_1m": None, "output_price_per_1m": None},
         ["input_price_per_1m", "output_price_per_1m"]),
        ({**TEXT, "input_price_per_1m": None}, ["input_price_per_1m"]),
        ({**IMAGE, "price_per_image": None}, ["price_per_image"]),
    ],
)
def test_an_active_model_needs_complete_pricing_for_its_type(db, fields, missing):
    with pytest.raises(ValidationFailed) as failure:
        create_model(**fields)
    assert failure.value.fields["is_active"].endswith(
        f"missing: {', '.join(missing)}. Set the price or leave the model inactive."
    )
    assert set(failure.value.fields) == {"is_active", *missing}
    assert row_count(db) == 0


def test_unknown_field_names_are_refused(db):
    with pytest.raises(ValidationFailed) as failure:
        create_model(**TEXT, price_per_token="0.1")
    assert failure.value.fields == {"price_per_token": "Unknown field 'price_per_token'"}
    assert row_count(db) == 0


def test_provider_and_model_name_are_unique(db):
    create_model(**TEXT)
    with pytest.raises(ValidationFailed) as failure:
        create_model(**{**TEXT, "display_name": "Another"})
    assert failure.value.fields["model_name"] == "openai already has a model named 'gpt-4o-mini'"
    create_model(**{**TEXT, "provider": "anthropic"})  # another provider may use the name
    assert row_count(db) == 2


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"aliases": ["gpt-4-turbo"]}, "aliases", "Alias 'gpt-4-turbo' already names"),
        ({"aliases": ["gpt-4-turbo-2024-04-09"]}, "aliases", "already names"),
        ({"model_name": "gpt-4-turbo"}, "model_name",
         "'gpt-4-turbo' is already an alias of 'gpt-4-turbo-2024-04-09'"),
    ],
)
def test_names_and_aliases_identify_one_model_per_provider(db, override, field, message):
    TextModelFactory(model_name="gpt-4-turbo-2024-04-09", aliases=["gpt-4-turbo"])
    db.session.commit()
    with pytest.raises(ValidationFailed) as failure:
        create_model(**{**TEXT, **override})
    assert message in failure.value.fields[field]
    assert row_count(db) == 1
    create_model(**{**TEXT, **override, "provider": "anthropic"})
    assert row_count(db) == 2


def test_update_model_changes_and_commits(db):
    model = create_model(**TEXT, aliases=["mini"])
    update_model(model, output_price_per_1m="0.65", display_name="GPT-4o mini")
    db.session.expire_all()
    stored = db.session.get(AIModelConfig, model.id)
    assert (stored.output_price_per_1m, stored.display_name) == (Decimal("0.65"), "GPT-4o mini")


def test_failed_update_writes_nothing(db):
    model = create_model(**TEXT)
    with pytest.raises(ValidationFailed) as failure:
        update_model(model, display_name="Renamed", input_price_per_1m="-1")
    assert set(failure.value.fields) == {"input_price_per_1m"}
    assert (model.display_name, model.input_price_per_1m) == ("GPT-4o Mini", Decimal("0.15"))
    db.session.expire_all()
    assert db.session.get(AIModelConfig, model.id).display_name == "GPT-4o Mini"


def test_update_model_cannot_deactivate_pricing_of_an_active_model(db):
    model = create_model(**IMAGE)
    with pytest.raises(ValidationFailed) as failure:
        update_model(model, price_per_image=None)
    assert "missing: price_per_image" in failure.value.fields["is_active"]
    update_model(model, price_per_image=None, is_active=False)
    assert db.session.get(AIModelConfig, model.id).price_per_image is None


def test_update_model_may_not_take_another_models_alias(db):
    TextModelFactory(model_name="gpt-4-turbo-2024-04-09", aliases=["gpt-4-turbo"])
    model = create_model(**TEXT)
    with pytest.raises(ValidationFailed) as failure:
        update_model(model, aliases=["gpt-4-turbo"])
    assert "already names 'gpt-4-turbo-2024-04-09'" in failure.value.fields["aliases"]
    db.session.expire_all()
    assert db.session.get(AIModelConfig, model.id).aliases == []


def test_update_model_refuses_unknown_fields(db):
    model = create_model(**TEXT)
    with pytest.raises(ValidationFailed) as failure:
        update_model(model, colour="blue")
    assert failure.value.fields == {"colour": "Unknown field 'colour'"}


def test_editing_a_seed_row_makes_it_the_admins(db):
    model = create_model(**TEXT, origin="seed")
    update_model(model, display_name="GPT-4o Mini")  # no actual change
    assert model.origin == "seed"
    update_model(model, display_name="Mini")
    db.session.expire_all()
    assert db.session.get(AIModelConfig, model.id).origin == "manual"


def test_model_errors_checks_names_in_one_query(db, count_queries):
    for n in range(5):
        TextModelFactory(model_name=f"m{n}", aliases=[f"a{n}"])
    db.session.commit()
    candidate = AIModelConfig(**{**TEXT, "aliases": ["a3"]})
    with count_queries() as counter:
        errors = model_errors(candidate)
    assert counter.count == 1
    assert errors == {"aliases": "Alias 'a3' already names 'm3' of openai"}
    with count_queries() as counter:
        assert model_errors(candidate, others=[("m0", [])]) == {}
    assert counter.count == 0


def test_find_by_name_matches_name_then_alias(db):
    turbo = TextModelFactory(model_name="gpt-4-turbo-2024-04-09", aliases=["gpt-4-turbo"])
    named = TextModelFactory(model_name="shared")
    TextModelFactory(model_name="other", aliases=["shared"])  # written directly, not validated
    dalle = ImageModelFactory(model_name="dall-e-3")
    db.session.commit()
    assert find_by_name("openai", "gpt-4-turbo") == turbo
    assert find_by_name("openai", "gpt-4-turbo-2024-04-09", "text") == turbo
    assert find_by_name("openai", "shared") == named
    assert find_by_name("openai", "dall-e-3", "image") == dalle
    assert find_by_name("openai", "dall-e-3", "text") is None
    assert find_by_name("anthropic", "gpt-4-turbo") is None


def test_list_models_filters(db):
    text = TextModelFactory()
    image = ImageModelFactory(is_active=False)
    db.session.commit()
    assert list_models() == [text, image]
    assert list_models(model_type="image") == [image]
    assert list_models(active=True) == [text]
    assert list_models(provider="anthropic") == []


@pytest.mark.parametrize(
    "fields",
    [
        {"input_price_per_1m": Decimal("-0.01")},
        {"price_per_image": Decimal("-1"), "model_type": "image"},
        {"input_price_per_1m": None},
        {"model_type": "image", "input_price_per_1m": None, "output_price_per_1m": None},
    ],
    ids=["negative-text-price", "negative-image-price", "active-text-unpriced",
         "active-image-unpriced"],
)
def test_database_check_constraints_back_the_rules(db, fields):
    db.session.add(AIModelConfig(**{**TEXT, **fields}))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert row_count(db) == 0


def test_the_database_refuses_a_model_name_differing_only_in_case_or_space(db, monkeypatch):
    create_model(**TEXT)
    # As if the rules had not seen the first row (a writer that skipped the name lock).
    monkeypatch.setattr("igny8.services.catalogue.model_errors", lambda model: {})
    with pytest.raises(ValidationFailed) as failure:
        create_model(**{**TEXT, "model_name": " GPT-4o-MINI ", "display_name": "Twin"})
    message = failure.value.fields["model_name"]
    assert isinstance(message, TakenMessage)
    assert "Another openai model named 'GPT-4o-MINI'" in message
    assert row_count(db) == 1
    assert db.session.scalars(select(AIModelConfig.model_name_key)).all() == ["gpt-4o-mini"]


@pytest.mark.parametrize(
    ("value", "text"),
    [("0.15", "$0.15"), ("0.6", "$0.60"), ("0.04", "$0.04"), ("0.0013", "$0.0013"),
     ("2.5", "$2.50"), ("10", "$10.00"), ("0.150000", "$0.15")],
)
def test_format_usd(value, text):
    assert format_usd(Decimal(value)) == text


def test_labels(db):
    text = TextModelFactory(model_name="gpt-4o-mini", display_name="GPT-4o Mini")
    image = ImageModelFactory(model_name="dall-e-3", display_name="DALL-E 3")
    schnell = ImageModelFactory(model_name="flux-schnell", display_name="FLUX schnell",
                                price_per_image=Decimal("0.0013"))
    flux = ImageModelFactory(provider="runware", model_name="flux", display_name="FLUX",
                             is_active=False, price_per_image=None)
    db.session.commit()
    db.session.expire_all()
    assert text.label == "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens"
    assert image.label == "DALL-E 3 (dall-e-3) - $0.04 per image"
    assert schnell.label == "FLUX schnell (flux-schnell) - $0.0013 per image"
    assert flux.label == "FLUX (flux) - no pricing"
