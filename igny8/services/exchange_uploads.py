"""Import files kept between the upload and the apply step: in a folder (the instance folder's
imports/), keyed by a random token bound to the user who uploaded, expiring after an hour.

Expired files are removed on the next upload; an applied or cancelled import removes its own.
Nothing is kept in the cookie session.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LIFETIME_SECONDS = 3600
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass
class Upload:
    """A stored import file, its options and the admin's ticks that differ from the default."""

    token: str
    user_id: int
    fmt: str
    filename: str
    providers: list[str]
    created: float
    ticks: dict[str, bool] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        """The upload's description as stored next to the file."""
        return {"user_id": self.user_id, "fmt": self.fmt, "filename": self.filename,
                "providers": self.providers, "created": self.created, "ticks": self.ticks}


def _paths(folder: Path, token: str) -> tuple[Path, Path]:
    """The description and the data file of `token`."""
    return folder / f"{token}.json", folder / f"{token}.data"


def remove_expired(folder: Path, now: float | None = None) -> int:
    """Delete every stored upload older than the lifetime; how many were removed."""
    now = time.time() if now is None else now
    removed = 0
    for path in folder.glob("*.json") if folder.is_dir() else ():
        if now - path.stat().st_mtime > LIFETIME_SECONDS or _expired(path, now):
            for stale in _paths(folder, path.stem):
                stale.unlink(missing_ok=True)
            removed += 1
    return removed


def _expired(path: Path, now: float) -> bool:
    """Whether a description's creation time is past the lifetime (or unreadable)."""
    try:
        return now - float(json.loads(path.read_text())["created"]) > LIFETIME_SECONDS
    except (ValueError, KeyError, OSError):
        return True


def save(folder: Path, user_id: int, fmt: str, filename: str, providers: list[str],
         data: bytes) -> Upload:
    """Store an uploaded file after removing the expired ones; the new upload's token."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_expired(folder)
    upload = Upload(secrets.token_urlsafe(24), user_id, fmt, filename[:200], providers,
                    time.time())
    meta_path, data_path = _paths(folder, upload.token)
    data_path.write_bytes(data)
    meta_path.write_text(json.dumps(upload.meta()))
    return upload


def load(folder: Path, token: str, user_id: int) -> tuple[Upload, bytes] | None:
    """The upload and its bytes, or None when unknown, expired or another user's."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    meta_path, data_path = _paths(folder, token)
    try:
        meta = json.loads(meta_path.read_text())
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    upload = Upload(token, **meta)
    if upload.user_id != user_id or time.time() - upload.created > LIFETIME_SECONDS:
        return None
    return upload, data


def save_ticks(folder: Path, upload: Upload) -> None:
    """Store the admin's ticks with the upload."""
    _paths(folder, upload.token)[0].write_text(json.dumps(upload.meta()))


def discard(folder: Path, token: str) -> None:
    """Remove a stored upload (applied or cancelled)."""
    if TOKEN_PATTERN.fullmatch(token or ""):
        for path in _paths(folder, token):
            path.unlink(missing_ok=True)
