"""igny8: admin back office for the AI model catalogue."""
from flask import Flask, jsonify, request
from sqlalchemy import text

from igny8 import lifecycle
from igny8.config import REPO_ROOT, Config
from igny8.extensions import bootstrap, csrf, db, login_manager, migrate
from igny8.pricing import register_filters
from igny8.security import register_security_headers


def create_app(config: object | None = None) -> Flask:
    """Build the Flask application; `config` defaults to `Config()` from the environment."""
    app = Flask(
        __name__,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
        instance_path=str(REPO_ROOT / "instance"),
    )
    app.config.from_object(config or Config())
    register_extensions(app)
    register_filters(app)
    lifecycle.register_filters(app)
    register_request_checks(app)
    register_blueprints(app)
    register_input_checks(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension instances to the app."""
    from igny8 import cache_generation, caching, models  # noqa: F401  (tables before Alembic)

    db.init_app(app)
    app.teardown_request(caching.forget_generation)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    bootstrap.init_app(app)


def register_request_checks(app: Flask) -> None:
    """Before any route: canonical `int` ids, the streamed-body limit and request ids."""
    from igny8.request_guard import register_request_guard

    register_request_guard(app)


def register_input_checks(app: Flask) -> None:
    """After the login check: text, JSON and body-size checks on the admin pages."""
    from igny8.request_guard import register_input_checks as register_checks

    register_checks(app)


def register_blueprints(app: Flask) -> None:
    """Attach the routes; every request but login, health, static and the API needs a session."""
    from igny8 import auth, catalogue, credits, history, settings
    from igny8.admin import sidebar, users, views
    from igny8.api import init_api

    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/", "root", views.root)
    app.register_blueprint(auth.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(history.bp)
    app.register_blueprint(catalogue.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(credits.bp)
    init_api(app)
    app.before_request(auth.require_login)
    app.before_request(promote_due_prices)
    app.context_processor(sidebar.sidebar_context)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the admin layout."""
    from igny8.admin.errors import register_errorhandlers as register_pages

    register_pages(app)


def register_commands(app: Flask) -> None:
    """Add the `flask` CLI groups."""
    from igny8.accounts_cli import accounts_cli
    from igny8.auth.cli import users_cli
    from igny8.cli import catalogue_cli
    from igny8.demo_cli import demo_cli
    from igny8.prices_cli import prices_cli
    from igny8.usage_cli import usage_cli

    app.cli.add_command(catalogue_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(prices_cli)
    app.cli.add_command(usage_cli)
    app.cli.add_command(demo_cli)


def promote_due_prices() -> None:
    """After the login check, on reads (what shows prices): scheduled prices that fell due
    move into the models' columns (services/price_schedule.py; no statement of its own while
    nothing is due). Writes skip it: a price write syncs its model's columns itself."""
    from igny8.services import price_schedule

    if request.method in ("GET", "HEAD") and request.endpoint not in UNSCHEDULED_ENDPOINTS:
        price_schedule.promote_if_due()


UNSCHEDULED_ENDPOINTS = {None, "static", "bootstrap.static", "healthz"}


def healthz():
    """Report whether the app can reach its database (no login needed)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unreachable", detail=type(exc).__name__), 503
    return jsonify(status="ok", database="ok")
