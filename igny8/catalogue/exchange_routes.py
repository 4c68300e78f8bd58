"""Catalogue exchange screens: export of the listed models, and import with a preview."""
from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import parse_qsl

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from igny8.admin.lists import matching_query
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.catalogue.options import MODEL_LIST
from igny8.catalogue.routes import bp
from igny8.errors import DomainError, page_status
from igny8.extensions import db
from igny8.models.catalogue import PROVIDERS, AIModelConfig
from igny8.services import exchange, exchange_apply, exchange_deactivation, exchange_uploads
from igny8.services import usage
from igny8.services.audit import Actor
from igny8.services.catalogue_guards import names
from igny8.services.exchange_export import EXPORT_FORMATS, export
from igny8.services.exchange_litellm import DEFAULT_PROVIDERS
from igny8.services.numbers import parse_page

PREVIEW_PAGE_SIZE = 50
UPLOAD_LIMIT = 16 * 1024 * 1024  # LiteLLM's whole cost map is about 3.5 MB


def listed_models(args) -> list:
    """The models the catalogue list shows for `args` (its search, filters and sort), all pages."""
    return list(db.session.scalars(matching_query(MODEL_LIST, args)))


@bp.get("/export")
@roles_required(ADMIN, SUPPORT)
def export_list():
    """The models of the current list view (filters and search honoured) as JSON or CSV."""
    fmt = request.args.get("format", "json")
    if fmt not in EXPORT_FORMATS:
        abort(400, description=f"format must be one of {', '.join(EXPORT_FORMATS)}")
    exported = export(listed_models(request.args), fmt)
    return current_app.response_class(
        exported.text, mimetype=exported.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'})


def upload_folder() -> Path:
    """Where import files wait between upload and apply (IGNY8_IMPORT_FOLDER, else
    instance/imports)."""
    folder = current_app.config.get("IGNY8_IMPORT_FOLDER")
    return Path(folder) if folder else Path(current_app.instance_path) / "imports"


def raise_upload_limit() -> None:
    """The import upload may exceed the app's body limit (run before any body is read)."""
    if request.endpoint == "catalogue.import_upload" and request.method == "POST":
        request.max_content_length = UPLOAD_LIMIT


@bp.record_once
def _install_upload_limit(state) -> None:
    """Run raise_upload_limit before every other request check."""
    state.app.before_request_funcs.setdefault(None, []).insert(0, raise_upload_limit)


def _upload_page(status: int = 200, problem: str | None = None):
    """The upload form."""
    return render_template("catalogue/import_upload.html", formats=exchange.FORMATS,
                           providers=PROVIDERS, default_providers=DEFAULT_PROVIDERS,
                           problem=problem), status


@bp.route("/import", methods=["GET", "POST"])
@roles_required(ADMIN)
def import_upload():
    """Step 1: choose a file and its format; a readable file goes on to the preview."""
    if request.method == "GET":
        return _upload_page()
    file, fmt = request.files.get("file"), request.form.get("format", "")
    providers = [p for p in request.form.getlist("providers") if p in PROVIDERS]
    if fmt not in exchange.FORMATS:
        return _upload_page(400, "format: choose litellm, json or csv.")
    if file is None or not file.filename:
        return _upload_page(400, "file: choose a file to import.")
    data = file.read()
    try:
        exchange.parse(data.decode("utf-8"), fmt, providers)
    except UnicodeDecodeError:
        return _upload_page(400, "file: the file is not UTF-8 text.")
    except DomainError as exc:
        return _upload_page(400, f"file: {exc.message}")
    upload = exchange_uploads.save(upload_folder(), current_user.id, fmt, file.filename,
                                   providers, data)
    return redirect(url_for("catalogue.import_preview", token=upload.token))


def _stored(token: str):
    """The current user's stored upload and the rows of its file, or a 404 when gone or not
    theirs."""
    found = exchange_uploads.load(upload_folder(), token, current_user.id)
    if found is None:
        abort(404, description="This import has expired or was finished; upload the file again.")
    upload, data = found
    return upload, exchange.parse(data.decode("utf-8"), upload.fmt, upload.providers)


def _only_states(rows) -> dict[int, str]:
    """Model id -> what the Only in the catalogue rows shown offer: "active" (may be ticked),
    "inactive", or "in use by N" (two queries for the page)."""
    ids = [row.model_id for row in rows if row.status == exchange.ONLY]
    active = set(db.session.scalars(select(AIModelConfig.id).where(
        AIModelConfig.id.in_(ids), AIModelConfig.is_active.is_(True)))) if ids else set()
    counts = usage.usage_counts(ids)
    return {model_id: ("inactive" if model_id not in active else
                       f"in use by {counts[model_id]}" if counts[model_id] else "active")
            for model_id in ids}


@bp.get("/import/<token>")
@roles_required(ADMIN)
def import_preview(token: str):
    """Step 2: every row classified, filtered by class, one page at a time, with ticks."""
    upload, items = _stored(token)
    return _preview_page(upload, items, request.args.get("status", ""),
                         request.args.get("page"))


def _preview_page(upload, items, status: str, page_arg, code: int = 200):
    """The preview page of `status` rows, page `page_arg`."""
    result = exchange.preview(items)
    rows = [row for row in result.rows if not status or row.status == status]
    pages = max(1, math.ceil(len(rows) / PREVIEW_PAGE_SIZE))
    page = min(parse_page(page_arg, 1), pages)
    shown = rows[(page - 1) * PREVIEW_PAGE_SIZE:page * PREVIEW_PAGE_SIZE]
    ticked = sum(upload.ticks.get(row.key, row.default_ticked)
                 for row in result.rows if row.applicable)
    return render_template("catalogue/import_preview.html", upload=upload, rows=shown,
                           counts=result.counts(), classes=exchange.CLASSES, status=status,
                           page=page, pages=pages, total=len(rows), ticked=ticked,
                           is_ticked=lambda row: upload.ticks.get(row.key, row.default_ticked),
                           only_states=_only_states(shown)), code


@bp.post("/import/<token>")
@roles_required(ADMIN)
def import_decide(token: str):
    """Keep the ticks of the page shown, then go to another page, cancel or apply."""
    upload, items = _stored(token)
    folder, ticked = upload_folder(), set(request.form.getlist("ticked"))
    applicable = {row.key for row in exchange.preview(items).rows if row.applicable}
    for key in set(request.form.getlist("shown")) & applicable:
        upload.ticks[key] = key in ticked
    exchange_uploads.save_ticks(folder, upload)
    intent = request.form.get("intent", "")
    if intent == "cancel":
        exchange_uploads.discard(folder, token)
        flash("Import cancelled; nothing was changed.", "info")
        return redirect(url_for("catalogue.index"))
    if intent == "deactivate":
        return _deactivate(upload, items)
    if intent != "apply":
        view = {key: value for key, value in parse_qsl(request.form.get("goto", ""))
                if key in ("status", "page") and value}
        return redirect(url_for("catalogue.import_preview", token=token, **view))
    return _apply(upload, items)


def _apply(upload, items):
    """Write the ticked rows in one transaction, or show why nothing was written."""
    try:
        _result, report = exchange_apply.apply(
            items, lambda row: upload.ticks.get(row.key, row.default_ticked),
            Actor.for_user(current_user))
    except DomainError as exc:
        flash(f"Nothing was imported: {exc.message}", "danger")
        return redirect(url_for("catalogue.import_preview", token=upload.token))
    exchange_uploads.discard(upload_folder(), upload.token)
    flash(f"Imported {upload.filename}: {len(report.created)} created,"
          f" {len(report.updated)} updated.", "success")
    return redirect(url_for("history.index"))


def _deactivate(upload, items):
    """Deactivate the ticked Only in the catalogue models, all or none, and show the preview."""
    try:
        done = exchange_deactivation.deactivate_missing(
            items, request.form.getlist(exchange_deactivation.FIELD), Actor.for_user(current_user))
    except DomainError as exc:
        flash(exc.message, "danger")
        return _preview_page(upload, items, exchange.ONLY, None, page_status(exc))
    flash(f"Deactivated {names(done)}." if done else "Those models were already inactive.",
          "success")
    return redirect(url_for("catalogue.import_preview", token=upload.token, status=exchange.ONLY))
