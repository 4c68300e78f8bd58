"""The successor in an import (LiteLLM's `successor_model`, igny8's `successor`): the name resolved
to the model's successor, a model of the same type found by name or alias in the catalogue (same
provider) or created by the same file; a name that cannot be resolved is a note on its row (the
successor is left as it is). An igny8 file's blank successor means none.

A successor that is new in the file is linked when both rows are applied together; the catalogue
rule (successor_rules.successor_errors: same type, no loop) is checked again on the written rows.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from igny8.errors import ValidationFailed
from igny8.models.catalogue import AIModelConfig
from igny8.services.catalogue import match_name
from igny8.services.successor_rules import successor_errors

NOTE = "successor"
PENDING = "new in this file"


def _type_of(item, row, by_id: dict[int, AIModelConfig]) -> str | None:
    """The model type the row has after the import."""
    existing = by_id.get(row.model_id)
    return item.values.get("model_type") or (existing.model_type if existing else None)


def _a(model_type: str | None) -> str:
    """`a text`, `an image`."""
    return f"{'an' if (model_type or ' ')[0] in 'aeiou' else 'a'} {model_type}"


def _label(model: AIModelConfig | None) -> str | None:
    """How the preview names a successor."""
    return model.model_name if model is not None else None


class Resolver:
    """The catalogue's models by provider and the file's new rows, for one preview."""

    def __init__(self, models: Sequence[AIModelConfig], new_types: dict[tuple, str],
                 file_keys: set[tuple]) -> None:
        self.by_id = {model.id: model for model in models}
        self.by_provider: dict[str, list[AIModelConfig]] = {}
        for model in models:
            self.by_provider.setdefault(model.provider, []).append(model)
        self.new_types, self.file_keys = new_types, file_keys

    def resolve(self, item, row) -> None:
        """Set the row's successor from the file's name, or note why it cannot be."""
        name, wanted = item.successor, _type_of(item, row, self.by_id)
        if name == "":
            self._to_none(row)
            return
        if not isinstance(name, str) or not name.strip():
            row.notes[NOTE] = f"successor_model must be a model name, not {name!r}; left as it is"
            return
        name = name.strip()
        target = match_name(self.by_provider.get(item.provider, []), name)
        if target is not None:
            self._to_catalogue(row, name, target, wanted)
        elif self.new_types.get((item.provider, name)) == wanted and name != item.model_name:
            self._to_new(row, (item.provider, name))
        else:
            row.notes[NOTE] = self._unresolved(item, name, wanted)

    def _unresolved(self, item, name: str, wanted: str | None) -> str:
        """Why `name` names no successor for the row."""
        key, suffix = (item.provider, name), "; the successor is left as it is"
        if name == item.model_name:
            return f"successor_model {name!r} names the model itself{suffix}"
        if key in self.new_types:
            return (f"successor_model {name!r} is {_a(self.new_types[key])} model in this file,"
                    f" not {_a(wanted)} model like this one{suffix}")
        if key in self.file_keys:
            return (f"successor_model {name!r} is in this file but not imported (see its"
                    f" row){suffix}")
        return (f"successor_model {name!r} is neither one of the catalogue's {item.provider}"
                f" models nor in this file{suffix}")

    def _to_catalogue(self, row, name: str, target: AIModelConfig, wanted: str | None) -> None:
        """Point the row at a catalogue model, when the catalogue rule accepts it."""
        current = self.by_id.get(row.model_id)
        if current is not None and current.successor_id == target.id:
            return
        candidate = AIModelConfig(model_type=wanted, successor_id=target.id)
        candidate.id = row.model_id
        problem = successor_errors(candidate).get("successor_id")
        if problem:
            row.notes[NOTE] = f"successor_model {name!r}: {problem}; the successor is left as it is"
            return
        row.values["successor_id"] = target.id
        self._change(row, current, target.model_name)

    def _to_none(self, row) -> None:
        """No successor (an igny8 file's blank cell or null)."""
        current = self.by_id.get(row.model_id)
        if current is not None and current.successor_id is not None:
            row.values["successor_id"] = None
            self._change(row, current, None)

    def _to_new(self, row, key: tuple) -> None:
        """Point the row at a model this file creates (linked when both are applied)."""
        row.successor_key = key
        self._change(row, self.by_id.get(row.model_id), f"{key[1]} ({PENDING})")

    def _change(self, row, current: AIModelConfig | None, shown: str | None) -> None:
        """The successor as a field change of the row; an Unchanged row becomes Changed."""
        old = self.by_id.get(current.successor_id) if current and current.successor_id else None
        row.changes[NOTE] = [_label(old), shown]
        if row.status == "unchanged":
            row.status = "changed"


def resolve(pairs: list[tuple[Any, Any]], models: Sequence[AIModelConfig]) -> None:
    """Resolve every (file row, preview row) pair whose file row names a successor."""
    new_types = {item.key: item.values.get("model_type") for item, row in pairs
                 if row.status == "new"}
    resolver = Resolver(models, new_types, {item.key for item, _ in pairs if item.key})
    for item, row in pairs:
        if item.successor is not None and row.status in ("new", "changed", "unchanged"):
            resolver.resolve(item, row)


def link(written: dict[str, AIModelConfig], rows: Sequence[Any]) -> list[str]:
    """After the flush: point written rows at the successors new in the file, then check the
    catalogue rule on each; the keys whose successor was not applied (left as it is)."""
    unlinked = []
    for row in rows:
        model = written.get(row.key)
        if model is None or row.successor_key is None:
            continue
        target = written.get("/".join(row.successor_key))
        if target is None:
            unlinked.append(row.key)
            continue
        model.successor_id = target.id
    for row in rows:
        model = written.get(row.key)
        if model is None or not (row.successor_key or "successor_id" in row.values):
            continue
        problem = successor_errors(model).get("successor_id") if model.successor_id else None
        if problem:
            key = row.key
            raise ValidationFailed(f"The import was not applied: {key}: {problem}",
                                   {"successor_id": f"{key}: {problem}"})
    return unlinked
