"""Global and account integration settings screens (blueprint `settings`)."""
from igny8.admin.sidebar import AdminSection, register_section
from igny8.settings import (  # noqa: F401  (views on bp)
    account_admin_routes, account_list_routes, account_routes,
)
from igny8.settings.routes import bp

register_section(
    AdminSection("AI & Automation", "Global Integration Settings", "settings.global_settings", 10)
)
register_section(
    AdminSection("AI & Automation", "Account Integration Settings", "settings.accounts", 20,
                 pages=("settings.bulk_override", "settings.account", "settings.save_account",
                        "settings.create_account", "settings.rename_account",
                        "settings.archive_account"))
)

__all__ = ["bp"]
