"""Writes made through the API are recorded in the history as `api-key:<name>`."""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from igny8.models.audit import AuditEntry
from igny8.services.audit import SYSTEM


def _key_label() -> str | None:
    """The acting API key's label during an authenticated API request, else None."""
    if not has_request_context():
        return None
    return g.get("api_actor_label")


@event.listens_for(Session, "before_flush")
def label_api_entries(session: Session, flush_context, instances) -> None:
    """Entries the services add without an actor get the key's label instead of "system"."""
    label = _key_label()
    if label is None:
        return
    for entry in session.new:
        if isinstance(entry, AuditEntry) and entry.actor_id is None and entry.actor_label == SYSTEM:
            entry.actor_label = label
