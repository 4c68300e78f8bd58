"""Catalogue views: list, detail, create, edit and delete (bulk actions: bulk_routes.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from igny8.admin.lists import build_list_page
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.auth.safety import safe_next
from igny8.catalogue.conflict import is_stale, model_conflict
from igny8.catalogue.forms import ConfirmForm, ModelForm
from igny8.catalogue.price_forms import PricedModelForm, past_effective_from
from igny8.catalogue.list_cache import cached_list
from igny8.catalogue.options import MODEL_LIST
from igny8.catalogue.validation import add_rule_errors, fallback_usage, problem_banner
from igny8.errors import ConflictError, DomainError, ModelInUse, page_status
from igny8.extensions import db
from igny8.models import SLOTS, AIModelConfig
from igny8.models.catalogue import MODEL_TYPES
from igny8.pricing import PRICES
from igny8.services import catalogue as catalogue_service
from igny8.services import usage as usage_service
from igny8.services.audit import Actor

bp = Blueprint("catalogue", __name__, url_prefix="/admin/ai-models")
SHOWN_ACCOUNTS = 50  # accounts named on a page; the rest are counted


@bp.context_processor
def catalogue_context() -> dict:
    """Names the catalogue templates share."""
    return {"slots": SLOTS, "model_types": MODEL_TYPES, "prices": PRICES,
            "optional_url": optional_url,
            "shown_accounts": SHOWN_ACCOUNTS}


def optional_url(endpoint: str, **values) -> str | None:
    """url_for, or None while the endpoint's blueprint is not installed."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def local_next(default: str) -> str:
    """The `next` form/query value when it is a path on this site, else `default`."""
    return safe_next(request.values.get("next"), default)


def get_model(model_id: int) -> AIModelConfig:
    """The model with this id, or a 404 page."""
    model = db.session.get(AIModelConfig, model_id)
    if model is None:
        abort(404)
    return model


@bp.get("/")
@roles_required(ADMIN, SUPPORT)
def index():
    """The catalogue list: search, filters with counts, sorting, pages and bulk actions."""
    args, role = request.args, current_user.role
    table = cached_list(MODEL_LIST, args, role, lambda: render_template(
        "catalogue/_list.html", page=build_list_page(MODEL_LIST, "catalogue.index", args, role)))
    return render_template("catalogue/index.html", table=table)


@bp.get("/<int:model_id>")
@roles_required(ADMIN, SUPPORT)
def detail(model_id: int):
    """One model: its fields, its price history and every place that uses it."""
    return detail_page(get_model(model_id))


def detail_page(model: AIModelConfig, status: int = 200, corrections: dict | None = None,
                problem: str | None = None):
    """The model page; `corrections` are posted correction forms shown with their errors."""
    usage = usage_service.usage_for([model.id], SHOWN_ACCOUNTS)[model.id]
    return render_template(
        "catalogue/detail.html", model=model, usage=usage, form=ConfirmForm(),
        successor=db.session.get(AIModelConfig, model.successor_id) if model.successor_id else None,
        settings_url=optional_url("settings.global_settings"),
        history_url=optional_url("history.object_history", object_type="ai_model",
                                 object_id=model.id),
        corrections=corrections or {}, problem=problem,
    ), status


def _render_form(form: ModelForm, model: AIModelConfig | None, status: int = 200,
                 problem: str | None = None, conflict=None, fallback=None):
    """The create/edit page, with the page-level problem, conflict or question above the form."""
    return render_template("catalogue/form.html", form=form, model=model, problem=problem,
                           conflict=conflict, fallback=fallback), status


def _conflict(form: ModelForm, model: AIModelConfig, message: str | None = None):
    """The 409 page of a stale save: their change next to mine, mine kept on the latest."""
    merged, conflict = model_conflict(form, model, message)
    return _render_form(merged, model, 409, conflict=conflict)


def _failed(form: ModelForm, model: AIModelConfig | None, exc: DomainError):
    """Re-render the form after the service refused it, messages next to their fields."""
    if isinstance(exc, ConflictError) and model is not None:
        return _conflict(form, model, exc.message)
    if isinstance(exc, ConflictError):
        return _render_form(form, model, page_status(exc), exc.message)
    unplaced = form.add_errors(exc.fields)
    return _render_form(form, model, page_status(exc), problem_banner(unplaced))


def _invalid(form: ModelForm, model: AIModelConfig | None):
    """The form again: its own problems and the catalogue's rules, all at once (or the GET)."""
    if not form.is_submitted():
        return _render_form(form, model)
    return _render_form(form, model, 400, problem_banner(add_rule_errors(form, model)))


def _after_save(model: AIModelConfig, form: ModelForm | None = None) -> str:
    """Where the save button sent: a new form, this model's form again, or its page (which
    offers a re-costing preview after prices dated in the past)."""
    then = request.form.get("then")
    if then == "add":
        return url_for("catalogue.create")
    if then == "edit":
        return url_for("catalogue.edit", model_id=model.id)
    return url_for("catalogue.detail", model_id=model.id,
                   recost_since=past_effective_from(form))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def create():
    """Add a model to the catalogue."""
    form = PricedModelForm()
    if not form.validate_on_submit():
        return _invalid(form, None)
    try:
        model = catalogue_service.create_model(actor=Actor.for_user(current_user), **form.values())
    except DomainError as exc:
        return _failed(form, None, exc)
    flash(f"Added {model.display_name} ({model.model_name}).", "success")
    return redirect(_after_save(model))


@bp.route("/<int:model_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit(model_id: int):
    """Change a model; a save based on a stale version is refused."""
    model = get_model(model_id)
    form = PricedModelForm.for_model(model)
    if form.is_submitted() and is_stale(form, model):  # before the field checks: see the change
        return _conflict(form, model)
    if not form.validate_on_submit():
        return _invalid(form, model)
    fallback = fallback_usage(form, model, SHOWN_ACCOUNTS)
    if fallback:  # ask first: the accounts overriding to it would fall back
        return _render_form(form, model, fallback=fallback)
    try:
        catalogue_service.update_model(model, expected_version=form.version.data,
                                       actor=Actor.for_user(current_user), **form.values())
    except DomainError as exc:
        return _failed(form, model, exc)
    flash(f"Saved {model.display_name} ({model.model_name}).", "success")
    return redirect(_after_save(model, form))


@bp.route("/<int:model_id>/delete", methods=["GET", "POST"])
@roles_required(ADMIN)
def delete(model_id: int):
    """Delete an unused model after confirmation; a used one is refused with its users."""
    model = get_model(model_id)
    form = ConfirmForm()
    problem, status = None, 200
    if form.validate_on_submit():
        name = f"{model.display_name} ({model.model_name})"
        try:
            catalogue_service.delete_model(model, Actor.for_user(current_user))
        except (ModelInUse, ConflictError) as exc:  # in use, or changed while being deleted
            problem, status = exc.message, page_status(exc)
        else:
            flash(f"Deleted {name}.", "success")
            return redirect(url_for("catalogue.index"))
    usage = usage_service.usage_for([model.id], SHOWN_ACCOUNTS)[model.id]
    return render_template("catalogue/confirm_delete.html", model=model, usage=usage, form=form,
                           problem=problem,
                           settings_url=optional_url("settings.global_settings")), status
