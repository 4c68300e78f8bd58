"""History: the audit log pages."""
from igny8.admin.sidebar import AdminSection, register_section
from igny8.history.views import bp

register_section(AdminSection("System", "History", "history.index", 30))

__all__ = ["bp"]
