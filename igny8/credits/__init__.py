"""Credits: the billing screens (usage, costs, re-costing runs) at /credits/."""
from igny8.admin.sidebar import AdminSection, register_section
from igny8.credits import costs_routes, recost_routes, usage_routes  # noqa: F401  (routes)
from igny8.credits.blueprint import bp

register_section(AdminSection("Credits", "Usage", "credits.usage", 10))
register_section(AdminSection("Credits", "Costs", "credits.costs", 20))
register_section(AdminSection("Credits", "Re-costing runs", "credits.recost_runs", 30))

__all__ = ["bp"]
