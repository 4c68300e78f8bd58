"""LiteLLM's image entries: the price per image they carry, and those priced per token only."""
import json
from datetime import date
from decimal import Decimal

from igny8.services import exchange, exchange_apply
from igny8.services.audit import CLI
from igny8.services.catalogue import find_by_name

TOKENS = {"input_cost_per_token": 5e-06, "output_cost_per_image_token": 3.2e-05,
          "cache_read_input_token_cost": 1.25e-06}
SAMPLE = {
    "acme-image": {"litellm_provider": "openai", "mode": "image_generation", **TOKENS},
    "low/1024-x-1024/acme-image": {"litellm_provider": "openai", "mode": "image_generation",
                                   "input_cost_per_image": 0.009},
    "acme-lone": {"litellm_provider": "openai", "mode": "image_generation", **TOKENS},
    "acme-both": {"litellm_provider": "openai", "mode": "image_generation",
                  "input_cost_per_image": 0.0011, "output_cost_per_image": 0.134, **TOKENS},
    "acme-empty": {"litellm_provider": "openai", "mode": "image_generation"},
}
TOKEN_KEYS = "input_cost_per_token, output_cost_per_image_token, cache_read_input_token_cost"


def rows_by_key(sample):
    """Parse a sample map, preview it against the catalogue and index the rows by key."""
    result = exchange.preview(exchange.parse(json.dumps(sample), "litellm"))
    return {row.key: row for row in result.rows}, result.counts()


def test_an_image_entry_priced_per_token_only_is_skipped_with_the_reason(db):
    rows, counts = rows_by_key(SAMPLE)
    assert rows["openai/acme-image"].status == exchange.SKIPPED
    assert rows["openai/acme-image"].messages["reason"] == (
        f"priced per token ({TOKEN_KEYS}), not per image; igny8 image models are priced per"
        " image: its size variants such as low/1024-x-1024/acme-image carry per-image prices")
    assert rows["openai/acme-lone"].messages["reason"].endswith(
        "priced per image: add it by hand with its price per image")
    assert counts["skipped"] == 2 and counts["error"] == 0


def test_the_price_per_image_comes_from_output_else_input_cost_per_image(db):
    rows, counts = rows_by_key(SAMPLE)
    variant = rows["openai/low/1024-x-1024/acme-image"]
    assert variant.status == exchange.NEW
    assert variant.values["price_per_image"] == Decimal("0.009")
    both = rows["openai/acme-both"]
    assert both.status == exchange.NEW and both.values["price_per_image"] == Decimal("0.134")
    assert "input_price_per_1m" not in both.values  # token prices of an image entry: not read
    assert "cached_input_price_per_1m" not in both.values
    assert rows["openai/acme-empty"].status == exchange.NEW  # nothing priced: nothing to skip
    assert counts["new"] == 3


def test_bad_per_image_prices_stay_errors_named_by_field(db):
    rows, counts = rows_by_key({
        "acme-free": {"litellm_provider": "openai", "mode": "image_generation",
                      "input_cost_per_image": "free"},
        "acme-minus": {"litellm_provider": "openai", "mode": "image_generation",
                       "input_cost_per_image": -0.01, **TOKENS},
        "acme-soon": {"litellm_provider": "openai", "mode": "image_generation",
                      "deprecation_date": "soon", **TOKENS},
    })
    assert rows["openai/acme-free"].status == exchange.ERROR
    assert rows["openai/acme-free"].messages["price_per_image"] == (
        "input_cost_per_image must be a number of USD, not 'free'")
    assert rows["openai/acme-minus"].status == exchange.ERROR
    assert rows["openai/acme-minus"].messages["price_per_image"] == (
        "price_per_image must be 0 or more")
    assert rows["openai/acme-soon"].status == exchange.ERROR  # priced per token, bad date
    assert "deprecation_date" in rows["openai/acme-soon"].messages
    assert counts["error"] == 3


def test_a_catalogue_model_priced_per_token_in_the_file_keeps_its_price(db, catalogue):
    sample = {"dall-e-3": {"litellm_provider": "openai", "mode": "image_generation",
                           "deprecation_date": "2027-03-01", **TOKENS}}
    rows, counts = rows_by_key(sample)
    row = rows["openai/dall-e-3"]
    assert row.status == exchange.CHANGED
    assert row.changes == {"deprecation_date": [None, "2027-03-01"]}
    assert row.notes["price_per_image"] == (
        f"priced per token ({TOKEN_KEYS}), not per image; the catalogue's price per image is"
        " left as it is")
    assert counts["only_in_catalogue"] == 6  # dall-e-3 is in the file: not listed as only here
    exchange_apply.apply(exchange.parse(json.dumps(sample), "litellm"), lambda r: True, CLI)
    model = find_by_name("openai", "dall-e-3")
    assert (model.price_per_image, model.deprecation_date) == (Decimal("0.04"), date(2027, 3, 1))
    assert model.input_price_per_1m is None


def test_the_cli_dry_run_counts_them_as_skipped_and_exits_zero(db, catalogue, app, tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps(SAMPLE))
    result = app.test_cli_runner().invoke(
        args=["catalogue", "import", str(path), "--format", "litellm", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "New: 3, Changed: 0, Unchanged: 0, Only in the catalogue: 7, Skipped: 2, Error: 0" in (
        result.output)
    assert find_by_name("openai", "low/1024-x-1024/acme-image") is None
