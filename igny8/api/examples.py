"""Examples shown in the OpenAPI document: one request or answer per operation, plus errors."""
from __future__ import annotations

SUMMARY = {"id": 1, "model_name": "gpt-4o-mini", "display_name": "GPT-4o Mini",
           "provider": "openai", "model_type": "text", "is_active": True,
           "label": "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens", "state": "active"}
MODEL = {**SUMMARY, "input_price_per_1m": "0.15", "cached_input_price_per_1m": "0.075",
         "output_price_per_1m": "0.60", "price_per_image": None, "context_window": 128000,
         "max_output_tokens": 16384, "aliases": ["gpt-4o-mini-2024-07-18"],
         "deprecation_date": None, "successor_id": None, "notes": "", "origin": "seed",
         "price_source": "https://openai.com/api/pricing", "price_checked_on": "2026-11-25",
         "scheduled_price": None, "version": 1, "created_at": "2026-11-25T13:24:09.426836+00:00",
         "updated_at": "2026-11-25T13:24:09.426837+00:00"}
MODEL_LIST = {"items": [MODEL], "total": 1, "page": 1, "per_page": 50, "pages": 1}
MODEL_CREATE = {"provider": "anthropic", "model_type": "text",
                "model_name": "claude-example-1", "display_name": "Claude Example",
                "is_active": False, "input_price_per_1m": "0.80", "output_price_per_1m": "4.00",
                "context_window": 200000, "aliases": []}
MODEL_UPDATE = {"notes": "Prices checked against the provider's page", "version": 1}
GLOBAL_SETTINGS = {"version": 1, "updated_at": "2026-11-25T13:24:09.438768+00:00",
                   "openai_model": 1, "openai_model_details": SUMMARY,
                   "text_model": 1, "text_model_details": SUMMARY,
                   "dalle_model": None, "dalle_model_details": None,
                   "runware_model": None, "runware_model_details": None}
GLOBAL_UPDATE = {"text_model": 1, "version": 1}
EFFECTIVE = {"model": SUMMARY, "source": "global", "warnings": []}
NOTHING = {"model": None, "source": None, "warnings": []}
ACCOUNT_SETTINGS = {
    "account_id": 1, "account_name": "Acme Publishing", "version": 1,
    "overrides": {"openai_model": None, "text_model": None, "dalle_model": None,
                  "runware_model": None},
    "effective": {"openai_model": EFFECTIVE, "text_model": EFFECTIVE,
                  "dalle_model": NOTHING, "runware_model": NOTHING},
    "warnings": [],
}
ACCOUNT_UPDATE = {"openai_model": None, "version": 1}
ACCOUNT = {"id": 7, "name": "Acme Publishing", "archived": False, "archived_at": None,
           "version": 1, "created_at": "2026-12-01T09:30:00+00:00",
           "updated_at": "2026-12-01T09:30:00+00:00"}
ACCOUNT_LIST = {"items": [ACCOUNT], "total": 1, "page": 1, "per_page": 50, "pages": 1}
ACCOUNT_CREATE = {"name": "Acme Publishing"}
ACCOUNT_CHANGE = {"name": "Acme Media", "archived": True, "version": 1}
IN_USE = {"error": {"code": "in_use", "fields": {},
                    "message": "Cannot delete GPT-4o Mini (gpt-4o-mini): used by global setting "
                               "OpenAI text model."}}


PRICE_VERSION = {
    "id": 7, "model_id": 1, "effective_from": "2027-01-01T00:00:00+00:00",
    "input_price_per_1m": "0.20", "cached_input_price_per_1m": "0.10",
    "output_price_per_1m": "0.80", "price_per_image": None, "tier_threshold_tokens": 200000,
    "tier_input_price_per_1m": "0.40", "tier_cached_input_price_per_1m": None,
    "tier_output_price_per_1m": "1.20", "source": "https://openai.com/api/pricing",
    "checked_on": "2026-12-01", "created_by": "api-key:integration",
    "created_at": "2026-12-01T10:00:00+00:00", "updated_at": "2026-12-01T10:00:00+00:00"}
PRICE_FIRST = {**PRICE_VERSION, "id": 1, "effective_from": "1970-01-01T00:00:00+00:00",
               "input_price_per_1m": "0.15", "cached_input_price_per_1m": "0.075",
               "output_price_per_1m": "0.60", "tier_threshold_tokens": None,
               "tier_input_price_per_1m": None, "tier_output_price_per_1m": None,
               "created_by": "migration"}
PRICE_HISTORY = {"items": [PRICE_FIRST, PRICE_VERSION], "in_force_id": 1, "scheduled_id": 7}
PRICE_CREATE = {"effective_from": "2027-01-01T00:00:00Z", "input_price_per_1m": "0.20",
                "cached_input_price_per_1m": "0.10", "output_price_per_1m": "0.80",
                "tier_threshold_tokens": 200000, "tier_input_price_per_1m": "0.40",
                "tier_output_price_per_1m": "1.20", "source": "https://openai.com/api/pricing",
                "checked_on": "2026-12-01"}


def error(code: str, message: str, fields: dict | None = None) -> dict:
    """An error body in the one shape."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


LEDGER_RECORD = {"id": 48213, "request_id": "req-2026-11-30-000123", "account_id": 1,
                 "account_name": "Acme Publishing", "model_id": 1,
                 "model_name": "GPT-4o Mini (gpt-4o-mini)", "slot": "text_model",
                 "occurred_at": "2026-11-30T14:03:11+00:00", "input_tokens": 1200,
                 "cached_input_tokens": 200, "output_tokens": 350, "images": 0,
                 "cost": "0.000375", "price_version_id": 1}
USAGE_PAGE = {"items": [LEDGER_RECORD], "limit": 100, "next_after": None}
COST_REPORT = {
    "group_by": "model", "start": "2026-11-01", "end": "2026-11-30", "account_id": None,
    "model_id": None,
    "rows": [{"model_id": 1, "name": "GPT-4o Mini (gpt-4o-mini)", "records": 2,
              "input_tokens": 2400, "cached_input_tokens": 400, "output_tokens": 700,
              "images": 0, "cost": "0.00075"}],
    "totals": {"records": 2, "input_tokens": 2400, "cached_input_tokens": 400,
               "output_tokens": 700, "images": 0, "cost": "0.00075"},
}
USAGE_FILTER_ERROR = error("validation_failed", "The filters are not valid: account_id.",
                           {"account_id": "There is no account with id 99."})
COST_FILTER_ERROR = error("validation_failed", "The filters are not valid: end.",
                          {"end": "The end is before the start."})
PRICE_TAKEN = error("conflict", "GPT-4o Mini (gpt-4o-mini) already has a price version starting "
                    "at 2027-01-01T00:00:00+00:00; correct that version or choose another time",
                    {"effective_from": "taken"})
PRICE_INVALID = error(
    "validation_failed", "The price version was not saved. tier_input_price_per_1m: "
    "tier_input_price_per_1m needs tier_threshold_tokens (the input tokens above which it applies)",
    {"tier_input_price_per_1m": "tier_input_price_per_1m needs tier_threshold_tokens (the input "
                                "tokens above which it applies)"})
ACCOUNT_NAME_TAKEN = error("conflict", "An account named 'ACME publishing' already exists "
                                       "(account #7, 'Acme Publishing').",
                           {"name": "already used (account #7, 'Acme Publishing')"})
