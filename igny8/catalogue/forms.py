"""Forms of the catalogue screens: the model form and the confirmation forms."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from sqlalchemy import select

from igny8.admin.conflicts import dump_loaded
from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.models.catalogue import MODEL_TYPES, PROVIDERS
from igny8.pricing import PRICE_BY_NAME, PRICE_FIELDS, decimal_text
from igny8.services.numbers import parse_price

INTEGER_FIELDS = ("context_window", "max_output_tokens")
# Fields the form edits, in the order the service receives them.
MODEL_FIELDS = (
    "provider", "model_type", "model_name", "display_name", "is_active", *PRICE_FIELDS,
    *INTEGER_FIELDS, "aliases", "deprecation_date", "successor_id", "notes", "price_source",
    "price_checked_on",
)


def parse_decimal(raw: str | None) -> Decimal | None:
    """A price typed by a user: blank is None, `0.15` or `$0.15` (the unit the form shows) is
    0.15; anything else (spaces, `1,000`, `1e3`, `-1`) is a ValueError, as in the API."""
    if not (raw or "").strip():
        return None
    return parse_price(raw.removeprefix("$"))


def parse_aliases(raw: str | None) -> list[str]:
    """Aliases typed one per line or comma separated, blanks removed, order kept."""
    return [part.strip() for part in re.split(r"[,\n]", raw or "") if part.strip()]


def number_field(label: str, description: str, example: str) -> StringField:
    """A text input for a price: parsed to Decimal; a non-number or a negative names the field."""
    def validate(form: FlaskForm, field: StringField) -> None:
        try:
            value = parse_decimal(field.data)
        except ValueError:
            raise ValidationError(f"{label} must be a number, e.g. {example}.") from None
        if value is not None and value < 0:
            raise ValidationError(f"{label} must be 0 or more.")
    return StringField(label, [validate], description=description,
                       render_kw={"inputmode": "decimal"})


def parse_tokens(raw: str | None) -> int | None:
    """A token count typed by a user: blank is None, `128,000` is 128000; ValueError otherwise."""
    text = (raw or "").strip().replace(",", "").replace("_", "")
    return int(text) if text else None


def price_field(name: str) -> StringField:
    """The input for one price, labelled as igny8.pricing words it."""
    price = PRICE_BY_NAME[name]
    return number_field(price.form_label, price.form_help, price.example)


def integer_field(label: str, description: str) -> StringField:
    """A text input for a positive whole number of tokens; bad input names the field."""
    def validate(form: FlaskForm, field: StringField) -> None:
        try:
            value = parse_tokens(field.data)
        except ValueError:
            message = f"{label} must be a whole number of tokens, e.g. 128000."
            raise ValidationError(message) from None
        if value is not None and value <= 0:
            raise ValidationError(f"{label} must be a positive number of tokens.")
    return StringField(label, [validate], description=description,
                       render_kw={"inputmode": "numeric"})


class NamedDateField(DateField):
    """A date input whose error names the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, render_kw={"type": "date"}, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the date; a bad value gives "<label> must be a date (YYYY-MM-DD)"."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a date (YYYY-MM-DD).") from None


class ModelForm(FlaskForm):
    """Create or edit an AI model; values are parsed here, rules are checked by the service."""

    display_name = StringField("Display name", [InputRequired(), Length(max=150)],
                               description="Shown in dropdowns, e.g. GPT-4o Mini.")
    model_name = StringField("Model name", [InputRequired(), Length(max=100)],
                             description="The provider's identifier, e.g. gpt-4o-mini.")
    provider = SelectField("Provider", choices=dict(PROVIDERS))
    model_type = SelectField("Type", choices=dict(MODEL_TYPES))
    is_active = BooleanField("Active", description="Only active models can be picked in settings.")
    input_price_per_1m = price_field("input_price_per_1m")
    cached_input_price_per_1m = price_field("cached_input_price_per_1m")
    output_price_per_1m = price_field("output_price_per_1m")
    price_per_image = price_field("price_per_image")
    context_window = integer_field("Context window", "Tokens the model reads at most.")
    max_output_tokens = integer_field("Max output tokens", "Tokens the model writes at most.")
    aliases = TextAreaField("Aliases", render_kw={"rows": 2}, description=(
        "Other names this model is known by, one per line or comma separated."))
    deprecation_date = NamedDateField("Deprecation date", [Optional()],
                                      description="When the provider retires the model.")
    successor_id = SelectField(
        "Successor", default="", coerce=lambda value: "" if value is None else str(value),
        description="The model of the same type to move to when this one retires.")
    notes = TextAreaField("Notes", render_kw={"rows": 3})
    price_source = StringField("Price source", [Length(max=200)],
                               description="Where the prices come from (URL or document).")
    price_checked_on = NamedDateField("Prices checked on", [Optional()])
    version = HiddenField()
    loaded = HiddenField()  # the values this form was loaded with (see admin/conflicts.py)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.successor_id.choices = successor_choices()
        if self.successor_id.data is None:  # WTForms leaves None uncoerced: "" is "None"
            self.successor_id.data = ""
        if self.provider.data and self.provider.data not in PROVIDERS:
            # A provider added outside the form stays selectable instead of being rewritten.
            self.provider.choices = {**PROVIDERS, self.provider.data: self.provider.data}

    @classmethod
    def for_model(cls, model: AIModelConfig, **kwargs: Any) -> ModelForm:
        """The form filled from a stored model, carrying its version."""
        form = cls(obj=model, **kwargs)
        if not form.is_submitted():
            form.fill_from(model)
        return form

    @classmethod
    def loaded_from(cls, model: AIModelConfig) -> ModelForm:
        """The form as a GET would show `model` now, whatever the request is."""
        form = cls(formdata=None, obj=model)
        form.fill_from(model)
        return form

    def fill_from(self, model: AIModelConfig) -> None:
        """Word the stored model as the form shows it, and remember it as loaded."""
        self.aliases.data = "\n".join(model.aliases or [])
        self.version.data = str(model.version)
        for name in PRICE_FIELDS:
            value = getattr(model, name)
            self[name].data = "" if value is None else decimal_text(value)
        for name in INTEGER_FIELDS:
            value = getattr(model, name)
            self[name].data = "" if value is None else str(value)
        self.loaded.data = dump_loaded(self.form_values())

    def form_values(self) -> dict[str, str]:
        """Each edited field as the text the form shows (a ticked box is "y")."""
        values = {}
        for name in MODEL_FIELDS:
            field = self[name]
            if isinstance(field, BooleanField):
                values[name] = "y" if field.data else ""
            elif hasattr(field, "_value"):
                values[name] = field._value()
            else:
                values[name] = "" if field.data is None else str(field.data)
        return values

    def values(self, skip: Any = ()) -> dict[str, Any]:
        """The parsed values for the catalogue service (leaving out the fields in `skip`)."""
        values = {name: self[name].data for name in MODEL_FIELDS if name not in skip}
        parsers = {**dict.fromkeys(PRICE_FIELDS, parse_decimal),
                   **dict.fromkeys(INTEGER_FIELDS, parse_tokens)}
        for name, parse in parsers.items():
            if name in values:
                values[name] = parse(self[name].data)
        if "aliases" in values:
            values["aliases"] = parse_aliases(self.aliases.data)
        if "successor_id" in values:
            values["successor_id"] = (int(self.successor_id.data) if self.successor_id.data
                                      else None)
        for name in ("model_name", "display_name", "price_source", "notes"):
            if name in values:
                values[name] = (values[name] or "").strip()
        return values

    def humanise(self, message: str) -> str:
        """A service message with column names replaced by the form's labels."""
        for name in sorted(MODEL_FIELDS, key=len, reverse=True):
            message = re.sub(rf"\b{name}\b", self[name].label.text, message)
        return message

    def add_errors(self, errors: dict[str, str]) -> dict[str, str]:
        """Put service messages next to their fields; returns those matching no field."""
        unplaced = {}
        for name, message in errors.items():
            message = self.humanise(message)
            if name in self._fields and name != "version":
                self[name].errors = [*self[name].errors, message]
            else:
                unplaced[name] = message
        return unplaced


def successor_choices() -> list[tuple[str, str]]:
    """"None" and every model as `Display (name) - type`; the service checks the type."""
    rows = db.session.execute(select(
        AIModelConfig.id, AIModelConfig.display_name, AIModelConfig.model_name,
        AIModelConfig.model_type).order_by(AIModelConfig.display_name, AIModelConfig.id))
    return [("", "None")] + [
        (str(row.id), f"{row.display_name} ({row.model_name}) - "
                      f"{MODEL_TYPES.get(row.model_type, row.model_type)}")
        for row in rows]


class ConfirmForm(FlaskForm):
    """A confirmation step: only the CSRF token."""
