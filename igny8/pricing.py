"""Prices: the price fields, which each model type requires, their labels, and how a price reads."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from decimal import Decimal
from typing import Any

from flask import Flask

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class PriceField:
    """One price column of AIModelConfig and the words every screen uses for it."""

    name: str  # the column, e.g. "input_price_per_1m"
    label: str  # the detail page, e.g. "Input ($ per 1M tokens)"
    form_label: str  # the edit form's field label
    form_help: str  # the edit form's hint under the field
    example: str  # an amount the form's error message offers
    list_key: str  # the catalogue list's column key (its sort parameter)
    heading: str  # the catalogue list's column heading
    title: str  # the catalogue list's heading tooltip
    unit: str  # the catalogue list's unit under the heading


PRICES: tuple[PriceField, ...] = (
    PriceField("input_price_per_1m", "Input ($ per 1M tokens)", "Input price",
               "$ per 1M input tokens (text).", "0.15",
               "input_price", "Input", "$ per 1M input tokens", "$/1M"),
    PriceField("cached_input_price_per_1m", "Cached input ($ per 1M tokens)", "Cached input price",
               "$ per 1M cached input tokens (text, optional).", "0.075",
               "cached_input_price", "Cached", "$ per 1M cached input tokens", "$/1M"),
    PriceField("output_price_per_1m", "Output ($ per 1M tokens)", "Output price",
               "$ per 1M output tokens (text).", "0.60",
               "output_price", "Output", "$ per 1M output tokens", "$/1M"),
    PriceField("price_per_image", "Per image", "Price per image",
               "$ per generated image (image).", "0.04",
               "image_price", "Image", "$ per generated image", "$/image"),
)
PRICE_FIELDS = tuple(field.name for field in PRICES)
PRICE_BY_NAME = {field.name: field for field in PRICES}
# Prices an active model of each type must carry.
REQUIRED_PRICES = {
    "text": ("input_price_per_1m", "output_price_per_1m"),
    "image": ("price_per_image",),
}


def decimal_text(value: Decimal) -> str:
    """A price as a plain decimal with at least two places: 0.150000 -> "0.15", 10 -> "10.00"."""
    normalised = Decimal(value).normalize()
    if normalised.as_tuple().exponent > -2:
        normalised = normalised.quantize(TWO_PLACES)
    return f"{normalised:f}"


def format_usd(value: Decimal) -> str:
    """A dollar amount with at least two decimals and as many more as the value needs, and
    thousands separators: 1500.5 -> "$1,500.50"."""
    whole, _, fraction = decimal_text(value).partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    return f"{sign}${int(digits):,}.{fraction}"


def missing_prices(model: Any) -> list[str]:
    """The prices `model` lacks for its type: an active model must have none missing."""
    required = REQUIRED_PRICES.get(model.model_type, ())
    return [name for name in required if getattr(model, name) is None]


def price_summary(model: Any) -> str:
    """Pricing in words: per 1M tokens for text, per image for images, or "no pricing"."""
    if missing_prices(model):
        return "no pricing"
    if model.model_type == "image":
        return f"{format_usd(model.price_per_image)} per image"
    return (f"{format_usd(model.input_price_per_1m)}/"
            f"{format_usd(model.output_price_per_1m)} per 1M tokens")


def scheduled_note(model: Any, version: Any | None) -> str:
    """` · $0.20/$0.80 per 1M tokens from 2027-01-01` when `version` (the model's next
    scheduled price version) changes its prices; empty otherwise."""
    if version is None:
        return ""
    upcoming = SimpleNamespace(model_type=model.model_type,
                               **{name: getattr(version, name) for name in PRICE_FIELDS})
    return f" · {price_summary(upcoming)} from {version.effective_from:%Y-%m-%d}"


def dropdown_label(model: Any) -> str:
    """How a model reads in a dropdown: `GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens`."""
    return f"{model.display_name} ({model.model_name}) - {price_summary(model)}"


def register_filters(app: Flask) -> None:
    """The templates' `usd` and `decimal_text` filters."""
    app.add_template_filter(format_usd, "usd")
    app.add_template_filter(decimal_text, "decimal_text")
