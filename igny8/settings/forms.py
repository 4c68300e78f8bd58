"""Forms of the settings screens: one model dropdown per slot, a hidden version, bulk actions."""
from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional, ValidationError
from wtforms.widgets import HiddenInput
from wtforms_sqlalchemy.fields import QuerySelectField

from igny8.models import SLOTS, AIModelConfig, get_slot
from igny8.settings.options import CachedOptionsSelect, ChoiceModels, slot_choices

CLEAR = "clear"


def slot_choice_label(slot_name: str, model: AIModelConfig) -> str:
    """The model's pricing label, flagged when it no longer fits the slot."""
    reason = get_slot(slot_name).why_not(model)
    if reason is None:
        return model.label
    if not model.is_active:
        return f"{model.label} — inactive — choose a replacement"
    return f"{model.label} — not valid here ({reason}) — choose a replacement"


class SlotForm(FlaskForm):
    """Base of the per-slot forms: fields named after SLOTS, fed from choices loaded once."""

    choice_models: ChoiceModels

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    loaded = HiddenField()  # the selections this form was loaded with (admin/conflicts.py)

    def raw_version(self) -> str | None:
        """The version as posted (the IntegerField's data is None when it is not a number)."""
        return self.version.raw_data[0] if self.version.raw_data else self.version.data

    def slot_fields(self) -> list[QuerySelectField]:
        """The model dropdowns, in SLOTS order."""
        return [self[name] for name in SLOTS]

    def use_choices(
        self, current: Mapping[str, AIModelConfig | None], blank_texts: Mapping[str, str]
    ) -> None:
        """Give every dropdown its slot's choices around the stored model (no query yet)."""
        self.choice_models = ChoiceModels()
        choices = slot_choices(current, self.choice_models)
        for field in self.slot_fields():
            field.query_factory = choices[field.name]
            field.get_label = lambda model, name=field.name: slot_choice_label(name, model)
            field.blank_text = blank_texts[field.name]

    def use_cached_options(self) -> None:
        """Render the dropdowns from the options cached for the catalogue's current state."""
        rendered = self.choice_models.rendered()
        for field in self.slot_fields():
            field.query_factory.rendered = rendered[field.name]

    def selections(self) -> dict[str, AIModelConfig | None]:
        """The chosen model (or None) per slot."""
        return {field.name: field.data for field in self.slot_fields()}

    def selected_ids(self) -> dict[str, int | None]:
        """The chosen model's id (or None) per slot, as the settings services take them."""
        return {name: model.id if model else None for name, model in self.selections().items()}


def _add_slot_fields(form_class: type[SlotForm]) -> type[SlotForm]:
    """Add one QuerySelectField per slot, so a new slot needs no form change."""
    for name, slot in SLOTS.items():
        field = QuerySelectField(slot.label, allow_blank=True, widget=CachedOptionsSelect())
        setattr(form_class, name, field)
    return form_class


@_add_slot_fields
class GlobalSettingsForm(SlotForm):
    """The platform's model per slot."""

    submit = SubmitField("Save global settings")
    # Renders the cost of each changed slot over the last 30 days without saving anything.
    preview = SubmitField("Preview cost")


@_add_slot_fields
class AccountSettingsForm(SlotForm):
    """An account's override per slot; the blank choice means "use the global default"."""

    submit = SubmitField("Save account settings")


def bulk_action_choices(choices: Mapping[str, list[AIModelConfig]]) -> dict[str, list]:
    """Grouped options `slot:model_id` and `slot:clear`, one group per slot."""
    grouped = {}
    for name, slot in SLOTS.items():
        options = [(f"{name}:{CLEAR}", "Clear the override (use the global default)")]
        options += [(f"{name}:{model.id}", model.label) for model in choices[name]]
        grouped[slot.label] = options
    return grouped


def parse_bulk_action(value: str) -> tuple[str, int | None]:
    """`slot:model_id` → (slot, id); `slot:clear` → (slot, None); ValueError when malformed."""
    slot_name, _, target = (value or "").partition(":")
    get_slot(slot_name)
    if target == CLEAR:
        return slot_name, None
    return slot_name, int(target)


class BulkOverrideForm(FlaskForm):
    """Set or clear one slot's override on the selected accounts, after a confirmation."""

    action = SelectField("Set for the selected accounts", validators=[DataRequired()])
    confirmed = HiddenField()
    submit = SubmitField("Review change")

    def validate_action(self, field) -> None:
        """The action names a known slot and either `clear` or a model id."""
        try:
            parse_bulk_action(field.data)
        except (KeyError, ValueError):
            raise ValidationError("Not a valid choice") from None
