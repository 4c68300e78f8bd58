"""Refusals worded for the viewer: support cannot do the admin-only step a message asks for,
so it is told to ask an admin (the services stay role-free; their steps are constants)."""
from __future__ import annotations

from igny8.services.catalogue_guards import GLOBAL, PRICES_STEP

SUPPORT_STEPS = {
    GLOBAL: GLOBAL.replace("choose another model there before",
                           "ask an admin to choose another model there before"),
    PRICES_STEP: "Ask an admin to add the missing prices.",
}


def for_viewer(message: str | None, is_admin: bool) -> str | None:
    """`message` as is for an admin; for support, its admin-only steps as "ask an admin to…"."""
    if message is None or is_admin:
        return message
    for step, reworded in SUPPORT_STEPS.items():
        message = message.replace(step, reworded)
    return message
