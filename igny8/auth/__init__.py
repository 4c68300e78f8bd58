"""Authentication: users sign in at /auth/login; roles guard every admin view."""
from igny8.auth.guard import require_login
from igny8.auth.views import bp

__all__ = ["bp", "require_login"]
