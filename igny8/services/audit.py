"""The audit log: snapshot fields, diff them, and add an entry to the caller's transaction."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import g, has_request_context
from flask_login import current_user

from igny8.extensions import db
from igny8.models.audit import AuditEntry
from igny8.models.users import User
from igny8.pricing import decimal_text

SYSTEM = "system"
CLI = "cli"


def json_safe(value: Any) -> Any:
    """A JSON value for `value`: Decimal -> str (at least 2 places), dates -> ISO, rows -> id."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    if isinstance(getattr(value, "id", None), int):
        return value.id
    return str(value)


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of `fields` on `obj`."""
    return {field: json_safe(getattr(obj, field)) for field in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value differs (missing counts as None)."""
    fields = list(before) + [field for field in after if field not in before]
    changes = {}
    for field in fields:
        old, new = json_safe(before.get(field)), json_safe(after.get(field))
        if old != new:
            changes[field] = [old, new]
    return changes


def resolve_actor(actor: User | str | None) -> tuple[int | None, str]:
    """(actor_id, actor_label): a User, a label such as "cli", the request's API key, the
    signed-in user, or "system"."""
    if isinstance(actor, User):
        return actor.id, actor.email
    if isinstance(actor, str) and actor:
        return None, actor
    if not has_request_context():
        return None, SYSTEM
    # A request authenticated by an API key is the key's doing, even when the same client
    # also carries an admin's session cookie.
    key_label = g.get("api_actor_label")
    if key_label:
        return None, key_label
    if current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, SYSTEM


def record(
    action: str,
    object_type: str,
    object_id: Any,
    object_repr: str,
    changes: Mapping[str, Any] | None = None,
    actor: User | str | None = None,
) -> AuditEntry:
    """Add an audit entry to the session WITHOUT committing: the calling service commits once."""
    actor_id, actor_label = resolve_actor(actor)
    entry = AuditEntry(
        actor_id=actor_id,
        actor_label=actor_label[:254],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=(object_repr or "")[:300],
        changes=json_safe(dict(changes or {})),
    )
    db.session.add(entry)
    return entry
