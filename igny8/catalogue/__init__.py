"""The AI model catalogue screens at /admin/ai-models/ and their sidebar entry."""
from igny8.admin.sidebar import AdminSection, register_section
from igny8.catalogue import bulk_routes  # noqa: F401 - registers the bulk action route on bp
from igny8.catalogue import replace_routes  # noqa: F401 - registers the replace routes on bp
from igny8.catalogue import exchange_routes  # noqa: F401  (export and import screens)
from igny8.catalogue import projection  # noqa: F401  (the model page's projection section)
from igny8.catalogue import toggle  # noqa: F401 - registers the toggle route on bp
from igny8.catalogue import price_history  # noqa: F401  (price history, corrections)
from igny8.catalogue.routes import bp

register_section(AdminSection("AI & Automation", "AI Models", "catalogue.index", 0))

__all__ = ["bp"]
