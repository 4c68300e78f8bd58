"""Error pages in the admin layout; `/api/` paths get JSON instead."""
from __future__ import annotations

from flask import Flask, render_template, request
from jinja2 import TemplateNotFound
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from igny8.errors import DomainError, api_status, error_response, page_status
from igny8.extensions import db

TITLES = {403: "Access denied", 404: "Page not found", 500: "Something went wrong"}


def wants_json() -> bool:
    """API clients get JSON errors in the API's shape: {"error": {code, message, fields}}."""
    return request.path.startswith("/api/")


def render_http_error(error: HTTPException):
    """Render an HTTP error as a page in the layout (or JSON for the API)."""
    code = error.code or 500
    headers = [h for h in error.get_headers() if h[0].lower() != "content-type"]
    if wants_json():
        slug = error.name.lower().replace(" ", "_").replace("'", "")
        return error_response(code, error.description, code=slug, headers=dict(headers))
    title = TITLES.get(code, error.name)
    try:
        page = render_template(f"errors/{code}.html", error=error, title=title)
    except TemplateNotFound:
        page = render_template("errors/error.html", error=error, title=title)
    return page, code, headers


def render_server_error(error: Exception):
    """Roll back the failed transaction and show the 500 page."""
    db.session.rollback()
    wrapped = error if isinstance(error, InternalServerError) else InternalServerError()
    return render_http_error(wrapped)


def render_domain_error(error: DomainError):
    """A refusal no view turned into a page: its message, with the status igny8.errors maps."""
    db.session.rollback()
    if wants_json():
        return error_response(api_status(error), error.message, error.fields, error.code)
    return render_http_error(default_exceptions[page_status(error)](error.message))


def register_errorhandlers(app: Flask) -> None:
    """Attach the error pages to the app."""
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(DomainError, render_domain_error)
    app.register_error_handler(InternalServerError, render_server_error)
