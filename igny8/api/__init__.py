"""JSON API at /api/v1 (flask-smorest): the catalogue, integration settings, usage, by API key."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from igny8.api import (  # noqa: F401  (routes)
    accounts_routes, docs, export_routes, models_routes, prices_routes, projection_routes,
    replace_routes, reports_routes, settings_routes, usage_routes,
)
from igny8.api import admin as keys_admin
from igny8.api import body_rules
from igny8.api.blueprint import bp
from igny8.api.cli import api_keys_cli
from igny8.api.errors import register_app_error_handler
from igny8.api.projection_routes import ProjectedMoney
from igny8.api.reports_schemas import Money
from igny8.api.schemas import ErrorSchema, Price
from igny8.api.spec import describe_pricing_rule, tune_spec
from igny8.extensions import csrf

API_SETTINGS = {
    "API_TITLE": "igny8",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    # The document and the docs page are served by the `api` blueprint itself.
    "OPENAPI_URL_PREFIX": None,
}
SECURITY_SCHEME = {"type": "http", "scheme": "bearer",
                   "description": "An API key issued under System → API keys"}


class Igny8Api(Api):
    """flask-smorest's Api without its app-wide error handler: admin pages keep theirs."""

    ERROR_SCHEMA = ErrorSchema  # the documented error responses use igny8's shape

    def _register_error_handlers(self):
        """Only /api/ routing errors are ours at app level; views answer through `bp`."""
        register_app_error_handler(self._app)


def init_api(app: Flask) -> Igny8Api:
    """Create the app's Api, register the blueprint and the `flask api-keys` commands."""
    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    api = Igny8Api(app, spec_kwargs={"security": [{"ApiKey": []}]})
    api.register_field(Price, "string", "decimal")
    api.register_field(Money, "string", "decimal")
    api.register_field(ProjectedMoney, "string", "decimal")
    tune_spec(api)
    api.spec.components.security_scheme("ApiKey", SECURITY_SCHEME)
    api.register_blueprint(bp)
    describe_pricing_rule(api)  # once the blueprint's schemas are in the document
    body_rules.describe(api)
    csrf.exempt(bp)  # authenticated by key, not by a session cookie
    app.register_blueprint(keys_admin.bp)
    app.cli.add_command(api_keys_cli)
    return api
