"""The price-version fields of the model form and the admins' correction form of one version."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, StringField
from wtforms.validators import Length, Optional

from igny8.catalogue.forms import (
    ModelForm, integer_field, number_field, parse_decimal, parse_tokens,
)
from igny8.models import AIModelConfig
from igny8.pricing import PRICE_FIELDS, PRICES, decimal_text
from igny8.services.costing import price_in_force
from igny8.services.price_rules import TIER_FIELDS, TIER_LABELS, TIER_RULE

TIER_PRICE_HELP = "$ per 1M tokens above the threshold (text, optional). " + TIER_RULE
TIER_PRICE_FIELDS = TIER_FIELDS[1:]


def tier_threshold_field() -> StringField:
    """The long-context threshold input, with the cliff rule under it."""
    return integer_field(TIER_LABELS["tier_threshold_tokens"],
                         "Input tokens above which the long-context prices apply. " + TIER_RULE)


def tier_price_field(name: str) -> StringField:
    """One long-context price input."""
    return number_field(TIER_LABELS[name], TIER_PRICE_HELP, "0.30")


class NamedDateTimeField(DateTimeLocalField):
    """A date-and-time input whose error names the field."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the time; a bad value gives "<label> must be a date and time"."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a date and time (YYYY-MM-DDTHH:MM) "
                             "or a date (YYYY-MM-DD).") from None


def effective_from_field() -> DateTimeLocalField:
    """When the prices sent take effect (UTC); empty means now."""
    return NamedDateTimeField(
        "Prices effective from (UTC)", [Optional()], format=["%Y-%m-%dT%H:%M", "%Y-%m-%d"],
        description="Empty: now. A future time schedules the change (the list keeps showing "
                    "the price in force until then); a past time adds history and offers a "
                    "re-costing preview.")


def version_values(form: FlaskForm, names: Any) -> dict[str, Any]:
    """The parsed price and tier values of `form`'s fields `names`."""
    values = {}
    for name in names:
        parse = parse_tokens if name == "tier_threshold_tokens" else parse_decimal
        values[name] = parse(form[name].data)
    return values


def utc(moment: datetime | None) -> datetime | None:
    """A naive form time as UTC."""
    return None if moment is None else moment.replace(tzinfo=timezone.utc)


def past_effective_from(form: Any) -> str | None:
    """The form's "effective from" as ISO text when it lies in the past, else None."""
    moment = utc(getattr(getattr(form, "effective_from", None), "data", None))
    if moment is None or moment > datetime.now(timezone.utc):
        return None
    return moment.isoformat()


def fill_version(form: FlaskForm, version: Any, names: Any) -> None:
    """Word a version's values as the form shows them."""
    for name in names:
        value = getattr(version, name, None) if version is not None else None
        if value is None:
            form[name].data = ""
        else:
            form[name].data = str(value) if name == "tier_threshold_tokens" \
                else decimal_text(value)


class PriceCorrectionForm(FlaskForm):
    """An admin corrects one version's prices in place (re-costing is offered afterwards)."""

    input_price_per_1m = number_field(PRICES[0].form_label, PRICES[0].form_help, "0.15")
    cached_input_price_per_1m = number_field(PRICES[1].form_label, PRICES[1].form_help, "0.075")
    output_price_per_1m = number_field(PRICES[2].form_label, PRICES[2].form_help, "0.60")
    price_per_image = number_field(PRICES[3].form_label, PRICES[3].form_help, "0.04")
    tier_threshold_tokens = tier_threshold_field()
    tier_input_price_per_1m = tier_price_field("tier_input_price_per_1m")
    tier_cached_input_price_per_1m = tier_price_field("tier_cached_input_price_per_1m")
    tier_output_price_per_1m = tier_price_field("tier_output_price_per_1m")
    source = StringField("Price source", [Length(max=200)])
    checked_on = DateField("Prices checked on", [Optional()], render_kw={"type": "date"})

    def values(self, model_type: str) -> dict[str, Any]:
        """The corrected values for prices.correct_version (the fields of the model's type)."""
        names = [*PRICE_FIELDS, *(TIER_FIELDS if model_type == "text" else ())]
        return {**version_values(self, names), "source": (self.source.data or "").strip(),
                "checked_on": self.checked_on.data}

    def fill(self, version: Any) -> None:
        """The form showing `version` as stored."""
        fill_version(self, version, (*PRICE_FIELDS, *TIER_FIELDS))
        self.source.data, self.checked_on.data = version.source, version.checked_on


class PricedModelForm(ModelForm):
    """The model form with its price version's fields: the long-context tier of the version in
    force and when the prices sent take effect."""

    EXTRA_FIELDS = ("effective_from", *TIER_FIELDS)
    effective_from = effective_from_field()
    tier_threshold_tokens = tier_threshold_field()
    tier_input_price_per_1m = tier_price_field("tier_input_price_per_1m")
    tier_cached_input_price_per_1m = tier_price_field("tier_cached_input_price_per_1m")
    tier_output_price_per_1m = tier_price_field("tier_output_price_per_1m")

    def fill_from(self, model: AIModelConfig) -> None:
        """The stored model, and the tier of its version in force now."""
        super().fill_from(model)
        fill_version(self, price_in_force(model.id, datetime.now(timezone.utc)), TIER_FIELDS)

    def values(self, skip: Any = ()) -> dict[str, Any]:
        """The model's values, the tier (text models) and the effective time (UTC)."""
        values = super().values(skip)
        if self.model_type.data == "text":
            values.update(version_values(self, [n for n in TIER_FIELDS if n not in skip]))
        elif any((self[name].data or "").strip() for name in TIER_FIELDS):
            values.update(version_values(self, TIER_FIELDS))  # the service names the problem
        if "effective_from" not in skip:
            values["effective_from"] = utc(self.effective_from.data)
        return values

    def humanise(self, message: str) -> str:
        """Column names replaced by labels, the version's fields included."""
        for name in sorted(self.EXTRA_FIELDS, key=len, reverse=True):
            message = re.sub(rf"\b{name}\b", self[name].label.text, message)
        return super().humanise(message)
