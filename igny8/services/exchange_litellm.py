"""LiteLLM's model cost map: reading it into import rows and writing the catalogue in its shape.

Prices there are USD per token as JSON numbers; igny8 keeps USD per 1M tokens in Numeric(14, 6).
A number is read as Decimal from its text (json parse_float=Decimal) and moved six places
(Decimal.scaleb, exact), never through float arithmetic: 1.5e-07 -> 0.15. A value with more than
six decimal places per 1M (a float artefact such as 0.0005666666666666667 -> 566.6666666666666667)
is rounded to the column's six places, halves away from zero (ROUND_HALF_UP): 566.666667.

An image entry's price per image is `output_cost_per_image`, else `input_cost_per_image` (what
LiteLLM's size variants such as low/1024-x-1024/gpt-image-1 charge per generated image); its
per-token prices are not read (igny8 prices image models per image only). An image entry with
per-token prices and no per-image price is skipped with the reason, unless it is a model the
catalogue has: that one is compared on its other fields, its price left as it is, with a note.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from igny8.errors import ValidationFailed
from igny8.models.catalogue import PROVIDERS, AIModelConfig
from igny8.services.catalogue_input import coerce_fields
from igny8.services.exchange_records import Incoming, successor_names

SPEC_KEY = "sample_spec"
DEFAULT_PROVIDERS = ("openai", "anthropic")
MODES = {"chat": "text", "responses": "text", "image_generation": "image"}
EXPORT_MODES = {"text": "chat", "image": "image_generation"}
MILLION_PLACES = 6
SIX_PLACES = Decimal("0.000001")
# LiteLLM key -> (igny8 column, per token: True when the value is scaled to per 1M tokens).
FIELD_MAP = {
    "input_cost_per_token": ("input_price_per_1m", True),
    "cache_read_input_token_cost": ("cached_input_price_per_1m", True),
    "output_cost_per_token": ("output_price_per_1m", True),
    "output_cost_per_image": ("price_per_image", False),
    "max_input_tokens": ("context_window", False),
    "max_output_tokens": ("max_output_tokens", False),
    "deprecation_date": ("deprecation_date", False),
}
# Image entries only: LiteLLM's size variants give the price of one generated image this way.
IMAGE_MAP = {"input_cost_per_image": ("price_per_image", False)}
# The per-token prices LiteLLM gives OpenAI's image models (gpt-image-1, gpt-image-2, ...).
TOKEN_PRICE_KEYS = ("input_cost_per_token", "output_cost_per_token", "input_cost_per_image_token",
                    "output_cost_per_image_token", "cache_read_input_token_cost",
                    "cache_read_input_image_token_cost")
SIZE_VARIANT = re.compile(r"(?:[a-z]+/)?\d+-x-\d+/(.+)")  # e.g. low/1024-x-1024/gpt-image-1
SOURCE = "LiteLLM model cost map"
# LiteLLM's long-context keys -> the tier of the price version (a cliff above 200k input tokens).
TIER_THRESHOLD = 200_000
TIER_MAP = {
    "input_cost_per_token_above_200k_tokens": "tier_input_price_per_1m",
    "cache_read_input_token_cost_above_200k_tokens": "tier_cached_input_price_per_1m",
    "output_cost_per_token_above_200k_tokens": "tier_output_price_per_1m",
}


def per_million(value: Decimal) -> Decimal:
    """A per-token price as per 1M tokens, exact, rounded to six places only when it must be."""
    scaled = value.scaleb(MILLION_PLACES)
    if scaled.as_tuple().exponent < -MILLION_PLACES:
        scaled = scaled.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
    return scaled


def load(text: str) -> dict[str, Any]:
    """The cost map as a dict, numbers as Decimal; not an object of entries -> ValidationFailed."""
    try:
        document = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise ValidationFailed(f"The file is not JSON: {exc}", {"file": "not JSON"}) from None
    if not isinstance(document, dict):
        raise ValidationFailed("The file is not a LiteLLM cost map: it must be one object keyed"
                               " by model name", {"file": "not an object"})
    return document


def _skip_reason(entry: dict[str, Any], providers: frozenset[str],
                 modes: frozenset[str]) -> str | None:
    """Why an entry is not imported, or None."""
    provider, mode = entry.get("litellm_provider"), entry.get("mode")
    if provider not in PROVIDERS:
        return f"provider {provider!r} is not a catalogue provider"
    if provider not in providers:
        return f"provider {provider!r} is not selected (enable it with a provider option)"
    if mode not in MODES:
        return f"mode {mode!r} has no catalogue type (only chat, responses, image_generation)"
    if mode not in modes:
        return f"mode {mode!r} is not selected"
    return None


def _read_keys(entry: dict[str, Any], image: bool) -> dict[str, tuple[str, bool]]:
    """The mapped keys the entry has; an image entry's per-image price, not its token prices."""
    mapping = {**FIELD_MAP, **IMAGE_MAP} if image else FIELD_MAP
    keys = {key: spec for key, spec in mapping.items()
            if entry.get(key) is not None and not (image and spec[1])}
    if "output_cost_per_image" in keys:
        keys.pop("input_cost_per_image", None)
    return keys


def _mapped(entry: dict[str, Any], image: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The igny8 values of the mapped keys an entry has, and errors named by LiteLLM key."""
    values, errors = {}, {}
    for key, (column, per_token) in _read_keys(entry, image).items():
        value = entry[key]
        if column in ("context_window", "max_output_tokens"):
            if isinstance(value, Decimal) and value == value.to_integral_value():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int):
                errors[column] = f"{key} must be a whole number of tokens, not {value!r}"
                continue
        elif column != "deprecation_date":
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                errors[column] = f"{key} must be a number of USD, not {value!r}"
                continue
            value = Decimal(value)
            value = per_million(value) if per_token else value
        values[column] = value
    coerced, problems = coerce_fields(values)
    return coerced, {**errors, **problems}


def _tier(entry: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The long-context tier from the `*_above_200k_tokens` keys (none: no tier)."""
    tier, errors = {}, {}
    for key, column in TIER_MAP.items():
        value = entry.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value < 0:
            errors[column] = f"{key} must be a number of USD, not {value!r}"
        else:
            tier[column] = per_million(Decimal(value))
    if tier:
        tier = {"tier_threshold_tokens": TIER_THRESHOLD, **dict.fromkeys(TIER_MAP.values()),
                **tier}
    return tier, errors


def _unpriced(name: str, entry: dict[str, Any],
              variants: dict[str, str]) -> tuple[str, str] | None:
    """For an image entry priced per token only: why it is skipped, and the note when the
    catalogue has the model; else None."""
    if any(entry.get(key) is not None for key in ("output_cost_per_image", *IMAGE_MAP)):
        return None
    tokens = [key for key in TOKEN_PRICE_KEYS if entry.get(key) is not None]
    if not tokens:
        return None
    reason = f"priced per token ({', '.join(tokens)}), not per image"
    hint = (f"its size variants such as {variants[name]} carry per-image prices"
            if name in variants else "add it by hand with its price per image")
    return (f"{reason}; igny8 image models are priced per image: {hint}",
            f"{reason}; the catalogue's price per image is left as it is")


def size_variants(names: Iterable[str]) -> dict[str, str]:
    """Model name -> the first of its size variants among `names` (low/1024-x-1024/<name>)."""
    variants: dict[str, str] = {}
    for key in names:
        match = SIZE_VARIANT.fullmatch(key)
        if match:
            variants.setdefault(match.group(1), key)
    return variants


def entry_row(name: str, entry: Any, providers: frozenset[str],
              modes: frozenset[str], variants: dict[str, str] | None = None) -> Incoming:
    """One cost-map entry as an Incoming row, skipped with a reason or with mapped values."""
    if name == SPEC_KEY:
        return Incoming(name, skipped="documents LiteLLM's fields; not a model")
    if not isinstance(entry, dict):
        return Incoming(name, errors={"file": f"entry {name!r} is not an object"})
    row = Incoming(name, entry.get("litellm_provider"), name.strip())
    row.skipped = _skip_reason(entry, providers, modes)
    if row.skipped:
        return row
    image = MODES[entry["mode"]] == "image"
    values, row.errors = _mapped(entry, image)
    row.unpriced = _unpriced(name, entry, variants or {}) if image else None
    row.successor = entry.get("successor_model")
    if not image:
        row.tier, tier_errors = _tier(entry)
        row.errors.update(tier_errors)
    row.values = {"provider": row.provider, "model_name": row.model_name,
                  "model_type": MODES[entry["mode"]], **values}
    row.new_defaults = {"display_name": name.strip(), "is_active": False, "origin": "import",
                        "price_source": SOURCE}
    return row


def parse(text: str, providers: Iterable[str] | None = None,
          modes: Iterable[str] | None = None) -> Iterator[Incoming]:
    """The rows of a cost map, for the providers (default openai, anthropic) and modes given."""
    document = load(text)
    chosen = frozenset(providers or DEFAULT_PROVIDERS)
    chosen_modes = frozenset(modes or MODES)
    variants = size_variants(document)
    for name, entry in document.items():
        yield entry_row(name, entry, chosen, chosen_modes, variants)


def _number(value: Decimal) -> str:
    """A Decimal as JSON number text, exactly (no float in between)."""
    text = f"{value.normalize():f}"
    return text if text not in ("-0",) else "0"


def _entry(model: AIModelConfig, successors: dict[int, str]) -> dict[str, str]:
    """One model as a cost-map entry, each value already JSON text."""
    entry = {"litellm_provider": json.dumps(model.provider),
             "mode": json.dumps(EXPORT_MODES.get(model.model_type, model.model_type))}
    for key, (column, per_token) in FIELD_MAP.items():
        value = getattr(model, column)
        if value is None:
            continue
        if isinstance(value, Decimal):
            entry[key] = _number(value.scaleb(-MILLION_PLACES) if per_token else value)
        else:
            entry[key] = json.dumps(value if isinstance(value, int) else value.isoformat())
    if model.successor_id in successors:
        entry["successor_model"] = json.dumps(successors[model.successor_id])
    return entry


def to_litellm(models: Iterable[AIModelConfig]) -> str:
    """The catalogue as a LiteLLM cost map: keys are model names, prices USD per token."""
    blocks, models = [], list(models)
    successors = successor_names(models)
    for model in models:
        fields = ",\n".join(f"    {json.dumps(key)}: {text}"
                            for key, text in _entry(model, successors).items())
        blocks.append(f"  {json.dumps(model.model_name)}: {{\n{fields}\n  }}")
    return "{\n" + ",\n".join(blocks) + "\n}\n" if blocks else "{}\n"
