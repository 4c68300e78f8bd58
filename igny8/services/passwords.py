"""The password policy every path applies (forms and CLI): long enough and not guessable."""
from __future__ import annotations

import re

from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MIN_STRENGTH = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" for an online attack
PRODUCT_WORDS = ("igny8", "admin", "support")


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` is refused (a sentence), or None when it passes the policy."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password must have at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"password must have at most {MAX_PASSWORD_LENGTH} characters"
    # zxcvbn's cost grows with length; the first 100 characters decide the score.
    result = zxcvbn(password[:100], user_inputs=[*_email_words(email), *PRODUCT_WORDS])
    if result["score"] < MIN_STRENGTH:
        hint = result["feedback"].get("warning") or "it follows a common pattern"
        return f"password is too easy to guess ({hint.rstrip('.')}); use a few unrelated words"
    return None


def _email_words(email: str) -> list[str]:
    """The parts of an email a guesser would try first."""
    email = email.strip().lower()
    parts = [part for part in re.split(r"[@.+_-]", email) if len(part) > 2]
    return [email, email.split("@")[0], *parts] if email else []
