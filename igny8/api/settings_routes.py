"""/api/v1/settings/global and /api/v1/accounts/{id}/integration-settings."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView

from igny8.api.blueprint import api_actor, bp
from igny8.api.conditional import ETAG_HEADER, IF_MATCH, check_if_match, with_etag
from igny8.api import examples
from igny8.api.errors import ApiError
from igny8.api.schemas import ErrorSchema
from igny8.api.spec import READS, WRITES, errors
from igny8.api.settings_schemas import (
    AccountSettingsSchema,
    AccountSettingsUpdateSchema,
    GlobalSettingsSchema,
    GlobalSettingsUpdateSchema,
)
from igny8.models import SLOTS
from igny8.services import account_settings
from igny8.services import global_settings as settings
from igny8.services.locking import version_of

TAGS = ["settings"]


def global_settings_body() -> dict[str, Any]:
    """Every slot's model id and details, with the row's version."""
    row = settings.load_global_settings()
    body: dict[str, Any] = {"version": version_of(row),
                            "updated_at": row.updated_at if row else None}
    for name, model in settings.global_models(row).items():
        body[name] = model.id if model else None
        body[f"{name}_details"] = model
    return body


@bp.route("/settings/global", tags=TAGS)
class GlobalSettings(MethodView):
    """The platform's default model per slot."""

    @bp.response(200, GlobalSettingsSchema, headers=ETAG_HEADER,
                 example=examples.GLOBAL_SETTINGS)
    @errors(*READS)
    def get(self):
        """Read every slot: the model id and its details (null when unset); ETag: the version."""
        body = global_settings_body()
        return with_etag(body, body["version"])

    @bp.doc(parameters=[IF_MATCH])
    @bp.arguments(GlobalSettingsUpdateSchema, example=examples.GLOBAL_UPDATE)
    @bp.response(200, GlobalSettingsSchema, headers=ETAG_HEADER)
    @bp.alt_response(409, schema=ErrorSchema,
                     description="Changed since `version` / If-Match")
    @bp.alt_response(422, schema=ErrorSchema,
                     description="An id is unknown, inactive or of the wrong provider or type")
    @errors(*WRITES)
    def patch(self, values):
        """Point the slots sent at other models; nothing is written when one is refused."""
        check_if_match(version_of(settings.load_global_settings()), "The global settings")
        version = values.pop("version", None)
        settings.update_global_settings(values, version, api_actor())
        body = global_settings_body()
        return with_etag(body, body["version"])


def account_or_404(account_id: int):
    """The account with its settings loaded, or a 404 naming the id."""
    account = account_settings.load_account(account_id)
    if account is None:
        raise ApiError(404, f"There is no account with id {account_id}.")
    return account


def account_settings_body(account) -> dict[str, Any]:
    """The account's stored overrides and every slot's effective model with its source."""
    overrides = account_settings.account_overrides(account.integration_settings)
    effective, warnings = {}, []
    for row in account_settings.account_slots(account):
        slot_warnings = row.warnings + ([row.error] if row.error else [])
        effective[row.name] = {
            "model": row.resolution.model if row.resolution else None,
            "source": row.resolution.source if row.resolution else None,
            "warnings": slot_warnings,
        }
        warnings += [f"{row.label}: {text}" for text in slot_warnings]
    return {"account_id": account.id, "account_name": account.name,
            "version": version_of(account.integration_settings),
            "overrides": {name: overrides.get(name) for name in SLOTS},
            "effective": effective, "warnings": warnings}


@bp.route("/accounts/<int:account_id>/integration-settings", tags=TAGS)
class AccountIntegrationSettings(MethodView):
    """One account's model overrides."""

    @bp.response(200, AccountSettingsSchema, headers=ETAG_HEADER,
                 example=examples.ACCOUNT_SETTINGS)
    @bp.alt_response(404, schema=ErrorSchema, description="No account has this id")
    @errors(*READS)
    def get(self, account_id):
        """Read the overrides and the effective model per slot with its source and warnings."""
        body = account_settings_body(account_or_404(account_id))
        return with_etag(body, body["version"])

    @bp.doc(parameters=[IF_MATCH])
    @bp.arguments(AccountSettingsUpdateSchema, example=examples.ACCOUNT_UPDATE)
    @bp.response(200, AccountSettingsSchema, headers=ETAG_HEADER)
    @bp.alt_response(404, schema=ErrorSchema, description="No account has this id")
    @bp.alt_response(409, schema=ErrorSchema,
                     description="Changed since `version` / If-Match")
    @bp.alt_response(422, schema=ErrorSchema, description="An id may not fill its slot")
    @errors(*WRITES)
    def patch(self, values, account_id):
        """Set (a model id) or clear (null) overrides; nothing is written when one is refused."""
        account = account_or_404(account_id)
        check_if_match(version_of(account.integration_settings),
                       f"The settings of {account.name}")
        version = values.pop("version", None)
        account_settings.update_account_settings(account_id, values, version, api_actor())
        body = account_settings_body(account_or_404(account_id))
        return with_etag(body, body["version"])
