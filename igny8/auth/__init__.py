"""Authentication: sign-in at /auth/login, roles on every admin view, the users screen."""
from igny8.auth.guard import require_login
from igny8.auth.manage import bp as users_bp
from igny8.auth.views import bp

__all__ = ["bp", "require_login", "users_bp"]
