"""What a seed run did: rows created, refreshed, kept or skipped, slots filled or left empty, and
the writes its history entries are made from."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from igny8.models import AIModelConfig


@dataclass
class SeedReport:
    """What a seed run did, by provider/model_name or slot name."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    slots_filled: dict[str, str] = field(default_factory=dict)
    slots_kept: list[str] = field(default_factory=list)
    slots_empty: dict[str, str] = field(default_factory=dict)
    # (action, row, audited fields before) of each catalogue write, recorded after the flush.
    writes: list[tuple[str, AIModelConfig, dict[str, Any]]] = field(
        default_factory=list, repr=False, compare=False)
    slot_changes: dict[str, list[str | None]] = field(default_factory=dict, repr=False,
                                                      compare=False)
    settings_action: str = "update"  # "create" when the run adds global settings row 1

    def lines(self) -> list[str]:
        """The report as printable lines."""
        lines = [
            f"Catalogue: {len(self.created)} created, {len(self.updated)} updated,"
            f" {len(self.unchanged)} unchanged, {len(self.kept)} kept (admin-owned),"
            f" {len(self.skipped)} skipped"
        ]
        lines += [f"  skipped {key}: {reason}" for key, reason in self.skipped.items()]
        prefix = "Global settings:"
        lines += [f"{prefix} {slot} set to {name}" for slot, name in self.slots_filled.items()]
        lines += [f"{prefix} {slot} kept (already chosen)" for slot in self.slots_kept]
        lines += [f"{prefix} {slot} left empty: {why}" for slot, why in self.slots_empty.items()]
        return lines
