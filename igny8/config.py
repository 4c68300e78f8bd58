"""Configuration read from the environment."""
import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = REPO_ROOT / "instance"


def normalise_database_url(url: str) -> str:
    """Select psycopg 3 for PostgreSQL URLs written in the short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def default_database_url() -> str:
    """The embedded SQLite database under instance/."""
    return f"sqlite:///{INSTANCE_DIR / 'igny8.db'}"


def load_secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """A positive whole number from the environment; a bad value stops the app with its name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a positive whole number, not {value!r}")
    return int(value)


class Config:
    """Settings for running igny8; every value may come from the environment."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB per request body; larger ones get a 413
    BOOTSTRAP_SERVE_LOCAL = True
    # A signed-in session ends after this long without a request, and this long after sign-in.
    IGNY8_SESSION_IDLE_MINUTES = 30
    IGNY8_SESSION_MAX_HOURS = 12
    # A model whose deprecation date is this many days away or fewer is "retiring".
    IGNY8_RETIRING_DAYS = 60
    # Fallback model names per slot when neither the account nor the global settings resolve.
    IGNY8_DEFAULT_MODELS = {
        "openai_model": "gpt-4o-mini",
        "dalle_model": "dall-e-3",
        "runware_model": "runware-flux-1.1-pro",
        "text_model": "gpt-4o-mini",
    }

    def __init__(self) -> None:
        self.SECRET_KEY = load_secret_key()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL") or default_database_url()
        )
        self.IGNY8_SESSION_IDLE_MINUTES = env_int("IGNY8_SESSION_IDLE_MINUTES", 30)
        self.IGNY8_SESSION_MAX_HOURS = env_int("IGNY8_SESSION_MAX_HOURS", 12)
        self.IGNY8_RETIRING_DAYS = env_int("IGNY8_RETIRING_DAYS", self.IGNY8_RETIRING_DAYS)
        secure = env_flag("SESSION_COOKIE_SECURE")
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_SECURE = secure


class TestingConfig(Config):
    """Settings for the test suite: the database URL is given by the fixture."""

    TESTING = True
    WTF_CSRF_ENABLED = False

    def __init__(self, database_url: str) -> None:
        self.SECRET_KEY = "igny8-tests"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_SECURE = False
