"""Edit conflicts of the slot forms (global and account settings): per slot the model I loaded,
the one stored now and the one I chose; the form to show keeps my choices on the latest."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from werkzeug.datastructures import MultiDict

from igny8.admin.conflicts import Conflict, build_conflict, dump_loaded, parse_loaded
from igny8.models import SLOTS, AIModelConfig
from igny8.services.locking import parse_version, stale_error
from igny8.services.slot_choices import models_by_id
from igny8.settings.forms import SlotForm

BLANK = "__None"  # QuerySelectField's value for the blank choice


def slot_values(selections: Mapping[str, AIModelConfig | None]) -> dict[str, str]:
    """The value each slot's dropdown posts for these selections (a slot not named: blank)."""
    chosen = {name: selections.get(name) for name in SLOTS}
    return {name: str(model.id) if model is not None else BLANK for name, model in chosen.items()}


def remember_loaded(form: SlotForm, selections: Mapping[str, AIModelConfig | None]) -> None:
    """Carry the selections the form shows in its hidden `loaded` field."""
    form.loaded.data = dump_loaded(slot_values(selections))


def posted_values(form: SlotForm) -> dict[str, str]:
    """The raw value posted for each slot (a slot left out posts the blank choice)."""
    return {field.name: field.raw_data[0] if field.raw_data else BLANK
            for field in form.slot_fields()}


def is_stale(form: SlotForm, stored_version: int) -> bool:
    """The form was loaded at another version than the stored one."""
    sent = parse_version(form.raw_version())
    return sent is not None and sent != stored_version


def _shower(ids: list[str], not_set: str) -> Callable[[str, str], str]:
    """`show(slot, raw)`: a model's label for an id, `not_set` for the blank choice."""
    models = models_by_id(int(raw) for raw in ids if raw.isdigit())

    def show(name: str, raw: str) -> str:
        model = models.get(int(raw)) if raw.isdigit() else None
        if model is not None:
            return model.label
        return not_set if raw in ("", BLANK) else f"model {raw} (no longer exists)"
    return show


def slot_conflict(form: SlotForm, current: Mapping[str, AIModelConfig | None], version: int,
                  what: str, not_set: str, reload_url: str) -> tuple[MultiDict, Conflict]:
    """The conflict of the posted `form` with the stored `current` selections, and the form
    data to show: my changed slots on top of the latest, at the latest version."""
    loaded, theirs, mine = parse_loaded(form.loaded.data), slot_values(current), posted_values(form)
    show = _shower([*loaded.values(), *theirs.values(), *mine.values()], not_set)
    labels = {name: slot.label for name, slot in SLOTS.items()}
    conflict = build_conflict(stale_error(what).message, labels, loaded, theirs, mine, show,
                              reload_url)
    data = MultiDict({**conflict.merged, "version": str(version),
                      "loaded": dump_loaded(theirs)})
    return data, conflict
