"""Reading LiteLLM's cost map: exact Decimal prices, the mapping, skipped entries with reasons."""
import json
from datetime import date
from decimal import Decimal

import pytest

from igny8.errors import ValidationFailed
from igny8.services import exchange
from igny8.services.exchange_litellm import per_million, to_litellm
from igny8.services.catalogue import list_models

SAMPLE = {
    "sample_spec": {"litellm_provider": "one of the providers", "mode": "chat"},
    "acme-mini": {"litellm_provider": "openai", "mode": "chat",
                  "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07,
                  "cache_read_input_token_cost": 7.5e-08, "max_input_tokens": 128000,
                  "max_output_tokens": 16384, "deprecation_date": "2027-01-14"},
    "acme-odd": {"litellm_provider": "anthropic", "mode": "responses",
                 "input_cost_per_token": 0.0005666666666666667, "output_cost_per_token": 1e-06},
    "acme-draw": {"litellm_provider": "openai", "mode": "image_generation",
                  "output_cost_per_image": 0.04},
    "azure/acme-mini": {"litellm_provider": "azure", "mode": "chat"},
    "acme-embed": {"litellm_provider": "openai", "mode": "embedding"},
    "runware-x": {"litellm_provider": "runware", "mode": "image_generation",
                  "output_cost_per_image": 0.01},
}


def rows_by_key(result):
    """Preview rows by their key."""
    return {row.key: row for row in result.rows}


def run(sample, **options):
    """Parse a sample map and preview it against the catalogue."""
    return exchange.preview(exchange.parse(json.dumps(sample), "litellm", **options))


@pytest.mark.parametrize("text, expected", [
    ("1.5e-07", "0.15"), ("6e-07", "0.6"), ("7.5e-08", "0.075"), ("2.5e-06", "2.5"),
    ("0.0005666666666666667", "566.666667"),  # a float artefact: rounded to six places
    ("3.33333335e-07", "0.333333"),  # 0.33333335 -> halves go up only past the sixth place
    ("1.0000005e-06", "1.000001"),  # half at the seventh place rounds up (ROUND_HALF_UP)
])
def test_per_token_prices_become_exact_decimals_per_million(text, expected):
    assert per_million(Decimal(text)) == Decimal(expected)
    assert per_million(Decimal(text)).as_tuple().exponent >= -6


def test_the_mapping_reads_every_field_from_the_numbers_text(db):
    result = run(SAMPLE)
    mini, odd, draw = (rows_by_key(result)[key] for key in
                       ("openai/acme-mini", "anthropic/acme-odd", "openai/acme-draw"))
    assert mini.status == odd.status == draw.status == exchange.NEW
    assert mini.values["input_price_per_1m"] == Decimal("0.15")
    assert mini.values["output_price_per_1m"] == Decimal("0.6")
    assert mini.values["cached_input_price_per_1m"] == Decimal("0.075")
    assert (mini.values["context_window"], mini.values["max_output_tokens"]) == (128000, 16384)
    assert mini.values["deprecation_date"] == date(2027, 1, 14)
    assert mini.values["model_type"] == "text" and odd.values["model_type"] == "text"
    assert odd.values["input_price_per_1m"] == Decimal("566.666667")
    assert draw.values["model_type"] == "image"
    assert draw.values["price_per_image"] == Decimal("0.04")
    assert mini.changes["input_price_per_1m"] == [None, "0.15"]


def test_entries_it_cannot_import_are_skipped_with_the_reason(db):
    rows = rows_by_key(run(SAMPLE))
    assert rows["sample_spec"].status == exchange.SKIPPED
    assert "not a model" in rows["sample_spec"].messages["reason"]
    assert rows["azure/azure/acme-mini"].messages["reason"] == (
        "provider 'azure' is not a catalogue provider")
    assert rows["openai/acme-embed"].messages["reason"].startswith(
        "mode 'embedding' has no catalogue type")
    assert rows["runware/runware-x"].messages["reason"] == (
        "provider 'runware' is not selected (enable it with a provider option)")
    enabled = rows_by_key(run(SAMPLE, providers=["runware"]))
    assert enabled["runware/runware-x"].status == exchange.NEW
    assert enabled["openai/acme-mini"].status == exchange.SKIPPED
    only_chat = rows_by_key(run(SAMPLE, modes=["chat"]))
    assert only_chat["openai/acme-draw"].messages["reason"] == (
        "mode 'image_generation' is not selected")


def test_bad_prices_are_errors_named_by_field(db):
    result = run({"bad": {"litellm_provider": "openai", "mode": "chat",
                          "input_cost_per_token": "free", "output_cost_per_token": -1e-06,
                          "max_input_tokens": 12.5}})
    (row,) = [row for row in result.rows if row.key == "openai/bad"]
    assert row.status == exchange.ERROR
    assert row.messages["input_price_per_1m"] == (
        "input_cost_per_token must be a number of USD, not 'free'")
    assert row.messages["output_price_per_1m"] == "output_price_per_1m must be 0 or more"
    assert "context_window" in row.messages


def test_not_a_cost_map_is_refused_with_a_message():
    with pytest.raises(ValidationFailed, match="The file is not JSON"):
        exchange.parse("{not json", "litellm")
    with pytest.raises(ValidationFailed, match="one object keyed by model name"):
        exchange.parse("[1, 2]", "litellm")


@pytest.mark.catalogue("settings")
def test_against_the_catalogue_each_row_is_classified(db, catalogue):
    result = run({
        "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
                        "input_cost_per_token": 2e-07, "output_cost_per_token": 6e-07},
        "gpt-4o": {"litellm_provider": "openai", "mode": "chat",
                   "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05},
    })
    rows = rows_by_key(result)
    assert rows["openai/gpt-4o-mini"].status == exchange.CHANGED
    assert rows["openai/gpt-4o-mini"].changes == {"input_price_per_1m": ["0.15", "0.20"]}
    assert rows["openai/gpt-4o"].status == exchange.UNCHANGED
    assert rows["anthropic/claude-3-haiku"].status == exchange.ONLY
    counts = result.counts()
    assert (counts["changed"], counts["unchanged"], counts["only_in_catalogue"]) == (1, 1, 5)


def test_the_catalogue_exported_as_a_cost_map_reads_back_unchanged(db, catalogue):
    text = to_litellm(list_models(provider="openai"))
    assert '"input_cost_per_token": 0.00000015' in text
    result = exchange.preview(exchange.parse(text, "litellm", ["openai"]))
    statuses = {row.key: row.status for row in result.rows if row.key.startswith("openai/")}
    assert set(statuses.values()) == {exchange.UNCHANGED}
    assert json.loads(text)["dall-e-3"]["mode"] == "image_generation"
