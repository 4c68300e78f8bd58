"""Model dropdowns rendered cheaply: each slot's options built once per catalogue state."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Any

from markupsafe import Markup, escape
from wtforms.widgets import Select, html_params

from igny8.extensions import db
from igny8.models import SLOTS, AIModelConfig
from igny8.services.settings import active_models_by_slot, catalogue_fingerprint

CACHE_ENTRIES = 8  # catalogue states kept per process; each holds every slot's options (~200 KB)


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
    """Every slot's options; a model offered by two slots gets its label computed once."""
    labels: dict[int, str] = {}
    rendered = {}
    for name, models in models_by_slot.items():
        parts = []
        for model in models:
            if model.id not in labels:
                labels[model.id] = option_html(model.id, model.label)
            parts.append(labels[model.id])
        rendered[name] = RenderedSlot("".join(parts), frozenset(m.id for m in models))
    return rendered


class OptionsCache:
    """A small thread-safe LRU of rendered options keyed by database and catalogue state."""

    def __init__(self, size: int = CACHE_ENTRIES) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, dict[str, RenderedSlot]] = OrderedDict()
        self._lock = Lock()

    def get_or_build(self, key: tuple, build: Callable[[], dict[str, RenderedSlot]]):
        """The entry for `key`, built (outside the lock) and stored when missing."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        entry = build()
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry

    def __len__(self) -> int:
        """How many catalogue states are held."""
        return len(self._entries)


OPTIONS_CACHE = OptionsCache()


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
        """Every slot's rendered options for the catalogue as it is now (one fingerprint query;
        the models are loaded only when this state was not rendered before)."""
        key = (db.engine.url.render_as_string(hide_password=True), catalogue_fingerprint())
        return OPTIONS_CACHE.get_or_build(key, lambda: render_slots(self.by_slot()))


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
