"""The model form's edit conflict: their change next to mine, mine kept on the latest version."""
from __future__ import annotations

from flask import url_for
from werkzeug.datastructures import MultiDict

from igny8.admin.conflicts import Conflict, build_conflict, dump_loaded, parse_loaded
from igny8.catalogue.forms import MODEL_FIELDS, ModelForm
from igny8.models import AIModelConfig
from igny8.models.catalogue import MODEL_TYPES, PROVIDERS
from igny8.services.locking import describe, parse_version, stale_error


def is_stale(form: ModelForm, model: AIModelConfig) -> bool:
    """The submitted form was loaded at another version than the stored one."""
    sent = parse_version(form.version.data)
    return sent is not None and sent != model.version


def shown(name: str, raw: str) -> str:
    """A form value as the conflict table words it."""
    if name == "is_active":
        return "Active" if raw else "Inactive"
    if name in ("provider", "model_type"):
        return dict(PROVIDERS if name == "provider" else MODEL_TYPES).get(raw, raw)
    if name == "aliases":
        aliases = [part.strip() for part in raw.replace(",", "\n").splitlines() if part.strip()]
        return ", ".join(aliases) or "none"
    return raw.strip() or "—"


def model_conflict(form: ModelForm, model: AIModelConfig,
                   message: str | None = None) -> tuple[ModelForm, Conflict]:
    """The conflict of `form` with the stored `model`, and the form to show: my changes on
    top of the latest version, carrying that version (so saving it applies my change)."""
    latest = type(form).loaded_from(model)
    labels = {name: form[name].label.text for name in MODEL_FIELDS}
    conflict = build_conflict(
        message or stale_error(describe(model)).message, labels,
        parse_loaded(form.loaded.data), latest.form_values(), form.form_values(), shown,
        url_for("catalogue.edit", model_id=model.id))
    extra = {name: form[name]._value() for name in getattr(form, "EXTRA_FIELDS", ())}
    data = MultiDict({**extra, **conflict.merged, "version": str(model.version),
                      "loaded": dump_loaded(latest.form_values())})
    if not conflict.merged.get("is_active"):
        data.pop("is_active")  # an unticked box is absent from a posted form
    return type(form)(formdata=data), conflict
