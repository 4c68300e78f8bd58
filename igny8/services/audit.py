"""The audit log: who acted (Actor), field snapshots and diffs, entries added to the caller's
transaction (the unit of work commits them)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from igny8.extensions import db
from igny8.models.audit import AuditEntry
from igny8.models.users import User
from igny8.pricing import decimal_text

USER = "user"


@dataclass(frozen=True)
class Actor:
    """Who a write is credited to in the history: a user, an API key, the CLI or the system.

    Services take it as a parameter; the HTML views pass the signed-in user, the API the key
    that authenticated the request, the CLI `CLI`. Nothing here reads the request.
    """

    kind: str  # "user", "api_key", "cli" or "system"
    id: int | None
    name: str

    @classmethod
    def for_user(cls, user: User) -> Actor:
        """A signed-in user, credited by id and email."""
        return cls(USER, user.id, user.email)

    @classmethod
    def for_api_key(cls, key: Any) -> Actor:
        """An API key, credited by its label (`api-key:<name>`)."""
        return cls("api_key", key.id, key.actor_label)


CLI = Actor("cli", None, "cli")
SYSTEM = Actor("system", None, "system")


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


def as_actor(actor: Actor | User | str | None) -> Actor:
    """`actor` as an Actor: a User is credited by id and email, a bare label such as "cli" by
    that label, None to the system (no request state is consulted)."""
    if isinstance(actor, Actor):
        return actor
    if isinstance(actor, User):
        return Actor.for_user(actor)
    if isinstance(actor, str) and actor:
        return Actor(actor, None, actor)
    return SYSTEM


def record(
    action: str,
    object_type: str,
    object_id: Any,
    object_repr: str,
    changes: Mapping[str, Any] | None = None,
    actor: Actor | User | str | None = None,
) -> AuditEntry:
    """Add an audit entry to the session WITHOUT committing: the unit of work commits once."""
    actor = as_actor(actor)
    entry = AuditEntry(
        actor_id=actor.id if actor.kind == USER else None,
        actor_label=actor.name[:254],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=(object_repr or "")[:300],
        changes=json_safe(dict(changes or {})),
    )
    db.session.add(entry)
    return entry
