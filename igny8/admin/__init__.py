"""Admin shell: dashboard, sidebar registry, error pages."""
from igny8.admin.errors import register_errorhandlers
from igny8.admin.sidebar import AdminSection, register_section, sidebar_context
from igny8.admin.views import bp, root

__all__ = ["AdminSection", "bp", "register_errorhandlers", "register_section", "root",
           "sidebar_context"]
