"""Authentication: sign-in at /auth/login, roles on every admin view (imports no admin module)."""
from igny8.auth.guard import require_login
from igny8.auth.views import bp

__all__ = ["bp", "require_login"]
