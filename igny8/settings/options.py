"""Model dropdowns rendered cheaply: each slot's options built once per data generation
(igny8.caching regions), and the global form's follower counts cached the same way."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from wtforms.widgets import Select, html_params

from igny8 import caching, lifecycle
from igny8.models import SLOTS, AIModelConfig
from igny8.pricing import scheduled_note
from igny8.services import price_versions
from igny8.services.global_settings import SlotUsage, active_models_by_slot, slot_usage


def option_html(value: Any, label: str, selected: bool = False) -> str:
    """One `<option>` as WTForms writes it (attributes sorted), escaping the label once."""
    flag = "selected " if selected else ""
    return f'<option {flag}value="{escape(value)}">{escape(label)}</option>'


@dataclass(frozen=True)
class RenderedSlot:
    """A slot's valid choices rendered once: the options' HTML and the model ids they offer."""

    html: str
    ids: frozenset[int]

    def with_selected(self, model_id: int | None) -> str:
        """The options with `model_id`'s marked selected (unchanged when it is not offered)."""
        if model_id not in self.ids:
            return self.html
        tag = f'<option value="{model_id}">'
        return self.html.replace(tag, f'<option selected value="{model_id}">', 1)


def render_slots(models_by_slot: Mapping[str, list[AIModelConfig]]) -> dict[str, RenderedSlot]:
    """Every slot's options, each label with its scheduled price change (one query); a model
    offered by two slots gets its label computed once."""
    scheduled = price_versions.scheduled_changes()
    labels: dict[int, str] = {}
    rendered = {}
    for name, models in models_by_slot.items():
        parts = []
        for model in models:
            if model.id not in labels:
                label = model.label + scheduled_note(model, scheduled.get(model.id))
                labels[model.id] = option_html(model.id, label)
            parts.append(labels[model.id])
        rendered[name] = RenderedSlot("".join(parts), frozenset(m.id for m in models))
    return rendered


OPTIONS_CACHE = caching.region("slot_options", 8)  # every slot's options (~200 KB) per entry
USAGE_CACHE = caching.region("slot_usage", 8)
GLOBAL_CONTENT = caching.region("global_content", 8)  # the global page's content, by role and day


def cached_slot_usage() -> dict[str, SlotUsage]:
    """The follower and override counts per slot for the data as it is now (never stale: every
    account and override write bumps the generation)."""
    return USAGE_CACHE.get_or_build("slot_usage", slot_usage)


class ChoiceModels:
    """The slots' valid choice models, loaded in one query the first time anything asks."""

    def __init__(self) -> None:
        self._by_slot: dict[str, list[AIModelConfig]] | None = None

    def by_slot(self) -> dict[str, list[AIModelConfig]]:
        """Every slot's active choices (SLOTS order of rules, display-name order of models)."""
        if self._by_slot is None:
            self._by_slot = active_models_by_slot()
        return self._by_slot

    def rendered(self) -> dict[str, RenderedSlot]:
        """Every slot's rendered options for the data as it is now; on a miss the models are
        loaded afresh, after the generation was read (ones loaded before may be older)."""
        # Today is in the key: the labels' retiring badges change at midnight with no write.
        return OPTIONS_CACHE.get_or_build(("slot_options", lifecycle.today()), self._render_fresh)

    def _render_fresh(self) -> dict[str, RenderedSlot]:
        """Load the choices now and render them."""
        models = active_models_by_slot()
        if self._by_slot is None:
            self._by_slot = models
        return render_slots(models)


@dataclass
class SlotChoices:
    """A QuerySelectField's query_factory: the stored model when it is no longer valid
    (shown first, flagged), then the slot's valid choices; `rendered` renders those fast."""

    name: str
    extra: list[AIModelConfig]
    models: ChoiceModels
    rendered: RenderedSlot | None = None

    def __call__(self) -> list[AIModelConfig]:
        """The choices validation checks a posted id against (loads them on first use)."""
        return self.extra + self.models.by_slot()[self.name]


def slot_choices(
    current: Mapping[str, AIModelConfig | None], models: ChoiceModels | None = None
) -> dict[str, SlotChoices]:
    """Per slot, its choices around the stored model (kept, flagged, when it is invalid)."""
    models = models or ChoiceModels()
    choices = {}
    for name, slot in SLOTS.items():
        stored = current.get(name)
        extra = [stored] if stored is not None and slot.why_not(stored) else []
        choices[name] = SlotChoices(name, extra, models)
    return choices


class CachedOptionsSelect(Select):
    """A <select> that writes the blank and flagged options per request and splices in the
    slot's cached options; any other field renders as WTForms' Select does."""

    def __call__(self, field, **kwargs) -> Markup:
        """The whole <select>, with the field's current value selected."""
        choices = field.query_factory
        if not isinstance(choices, SlotChoices) or choices.rendered is None:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for flag in self.validation_attrs:
            if flag not in kwargs and getattr(field.flags, flag, False):
                kwargs[flag] = getattr(field.flags, flag)
        data = field.data
        parts = [f"<select {html_params(name=field.name, **kwargs)}>"]
        if field.allow_blank:
            parts.append(option_html(field.blank_value, field.blank_text, data is None))
        parts += [option_html(m.id, field.get_label(m), m is data) for m in choices.extra]
        chosen = data.id if data is not None and data not in choices.extra else None
        parts += [choices.rendered.with_selected(chosen), "</select>"]
        return Markup("".join(parts))
