"""Checks on redirect targets taken from the request."""
from urllib.parse import urlsplit


def is_safe_next(target: str | None) -> bool:
    """Whether `target` is a local path: no scheme, host, backslash or control characters."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a local path, else `default`."""
    return target if is_safe_next(target) else default
