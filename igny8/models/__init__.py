"""The igny8 models, one module per domain."""
from igny8.models.accounts import Account, IntegrationSettings
from igny8.models.api_keys import ApiKey
from igny8.models.audit import AuditEntry
from igny8.models.catalogue import AIModelConfig
from igny8.models.prices import ModelPriceVersion
from igny8.models.settings import GLOBAL_SETTINGS_ID, GlobalIntegrationSettings
from igny8.models.slots import SLOTS, Slot, get_slot
from igny8.models.usage import RecostRun, UsageDaily, UsageRecord
from igny8.models.users import LoginAttempt, User

__all__ = [
    "GLOBAL_SETTINGS_ID",
    "SLOTS",
    "AIModelConfig",
    "Account",
    "ApiKey",
    "AuditEntry",
    "GlobalIntegrationSettings",
    "IntegrationSettings",
    "LoginAttempt",
    "ModelPriceVersion",
    "RecostRun",
    "Slot",
    "UsageDaily",
    "UsageRecord",
    "User",
    "get_slot",
]
