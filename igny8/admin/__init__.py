"""Admin shell: dashboard, sidebar registry, error pages, the users screen."""
from igny8.admin.errors import register_errorhandlers
from igny8.admin.sidebar import AdminSection, register_section, sidebar_context
from igny8.admin.users import bp as users_bp
from igny8.admin.views import bp, root

__all__ = ["AdminSection", "bp", "register_errorhandlers", "register_section", "root",
           "sidebar_context", "users_bp"]
