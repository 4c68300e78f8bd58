"""API keys: issue (the key is shown once), authenticate by hash, revoke, stamp last use."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import Select, select, update
from sqlalchemy.orm import selectinload

from igny8.errors import ValidationFailed
from igny8.extensions import db
from igny8.models.api_keys import SCOPES, ApiKey
from igny8.models.base import utcnow
from igny8.services import audit
from igny8.services.unit_of_work import Entry, commit

PREFIX_LENGTH = 8
NAME_MAX_LENGTH = 100
# A key used again within this interval keeps its stamp: no write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    """The SHA-256 hex digest stored in place of the key."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def _name_problem(name: str) -> str | None:
    """Why `name` cannot name a new key, or None when it can."""
    if not name:
        return "Enter a name for the key."
    if len(name) > NAME_MAX_LENGTH:
        return f"Use at most {NAME_MAX_LENGTH} characters."
    if any(ch.isspace() for ch in name):
        return "Use a name without spaces, e.g. reporting-job."
    taken = db.session.scalar(select(ApiKey.id).where(ApiKey.name == name))
    return f"A key named {name} already exists." if taken else None


def create_key(name: str, scope: str, actor=None) -> tuple[ApiKey, str]:
    """Issue a key; returns the row and the key itself, which is never stored.

    `actor` is the admin User issuing it, or a label such as "cli".
    """
    name = (name or "").strip()
    problems = {}
    if (problem := _name_problem(name)) is not None:
        problems["name"] = problem
    if scope not in SCOPES:
        problems["scope"] = f"Choose one of: {', '.join(SCOPES)}."
    if problems:
        raise ValidationFailed("The API key was not created.", problems)
    raw_key = secrets.token_urlsafe(32)
    key = ApiKey(name=name, scope=scope, prefix=raw_key[:PREFIX_LENGTH],
                 key_hash=hash_key(raw_key), created_by_id=getattr(actor, "id", None))
    db.session.add(key)
    commit(audit.as_actor(actor), f"The API key {name}",
           lambda: [_entry("create", key, {"name": [None, name], "scope": [None, scope]})])
    return key, raw_key


def keys_query() -> Select:
    """Every key, active ones first, newest first, with who created it."""
    return (
        select(ApiKey)
        .options(selectinload(ApiKey.created_by))
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
    )


def list_keys() -> list[ApiKey]:
    """Every key, active ones first, newest first."""
    return list(db.session.scalars(keys_query()))


def find_key(name_or_id: str) -> ApiKey | None:
    """A key by its name, or by its id when given digits."""
    if name_or_id.isdigit():
        key = db.session.get(ApiKey, int(name_or_id))
        if key is not None:
            return key
    return db.session.scalar(select(ApiKey).where(ApiKey.name == name_or_id))


def revoke_key(key: ApiKey, actor=None) -> bool:
    """Revoke the key; False when it was already revoked."""
    if key.is_revoked:
        return False
    key.revoked_at = utcnow()
    commit(audit.as_actor(actor), f"The API key {key.name}",
           [_entry("revoke", key, {"revoked_at": [None, key.revoked_at.isoformat()]})])
    return True


def authenticate(raw_key: str) -> ApiKey | None:
    """The live key matching `raw_key`, or None; stamps last use at most once a minute."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(raw_key)))
    if key is None or key.is_revoked:
        return None
    _stamp_last_use(key)
    return key


def _as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def _stamp_last_use(key: ApiKey) -> None:
    """Set last_used_at when it is unset or older than the resolution, in one UPDATE."""
    now = utcnow()
    last = _as_utc(key.last_used_at)
    if last is not None and now - last < LAST_USED_RESOLUTION:
        return
    db.session.execute(
        update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now),
        execution_options={"synchronize_session": False},
    )
    commit(audit.SYSTEM, f"The API key {key.name}")  # a use stamp: not history


def _entry(action: str, key: ApiKey, changes: dict) -> Entry:
    """The history entry of a change to the key."""
    return Entry(action, "api_key", key.id, key.name, changes)
