"""Catalogue bulk actions: activate or deactivate the ticked models after a confirmation page
that shows what blocks it and which accounts fall back."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.catalogue.forms import ConfirmForm
from igny8.catalogue.routes import SHOWN_ACCOUNTS, bp, local_next, optional_url
from igny8.catalogue.wording import for_viewer
from igny8.errors import DomainError
from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.services import catalogue as catalogue_service
from igny8.services import catalogue_guards
from igny8.services import usage as usage_service
from igny8.services.audit import Actor
from igny8.services.numbers import parse_id

BULK_ACTIONS = {"activate": "Activate", "deactivate": "Deactivate"}


def _selected_models(ids: list[str]) -> list[AIModelConfig]:
    """The models whose ids were ticked, in display order (one query)."""
    wanted = {model_id for model_id in map(parse_id, ids) if model_id is not None}
    if not wanted:
        return []
    query = select(AIModelConfig).where(AIModelConfig.id.in_(wanted))
    return list(db.session.scalars(query.order_by(AIModelConfig.display_name)))


def confirm_page(action: str, models: list[AIModelConfig], status: int = 200,
                 problem: str | None = None):
    """The bulk confirmation page: what changes, what blocks it, which accounts fall back."""
    usage = usage_service.usage_for((model.id for model in models), SHOWN_ACCOUNTS)
    blockers = (catalogue_guards.deactivation_blockers(models) if action == "deactivate"
                else catalogue_guards.activation_blockers(models))
    return render_template(
        "catalogue/confirm_bulk.html", action=action, verb=BULK_ACTIONS[action], models=models,
        usage=usage, blockers=blockers, problem=for_viewer(problem, current_user.is_admin),
        form=ConfirmForm(),
        settings_url=optional_url("settings.global_settings"),
        back_url=local_next(url_for("catalogue.index")),
    ), status


def _run_bulk(action: str, models: list[AIModelConfig]):
    """Apply a confirmed bulk action, or show the refusal on the confirmation page."""
    service = (catalogue_service.activate_models if action == "activate"
               else catalogue_service.deactivate_models)
    try:
        changed = service(models, Actor.for_user(current_user))
    except DomainError as exc:
        # Refused on the confirmation page: the rows' state, not the request, is at fault.
        return confirm_page(action, models, 409, exc.message)
    done = "Activated" if action == "activate" else "Deactivated"
    unchanged = len(models) - len(changed)
    message = f"{done} {len(changed)} model{'s' if len(changed) != 1 else ''}."
    if unchanged:
        message += f" {unchanged} already {'active' if action == 'activate' else 'inactive'}."
    flash(message, "success")
    return redirect(local_next(url_for("catalogue.index")))


@bp.post("/bulk")
@roles_required(ADMIN, SUPPORT)
def bulk():
    """Bulk activate/deactivate: the first POST shows a confirmation, `confirm` applies it."""
    action = request.form.get("action", "")
    back = local_next(url_for("catalogue.index"))
    if action not in BULK_ACTIONS:
        flash("Choose an action to run on the selected models.", "warning")
        return redirect(back)
    models = _selected_models(request.form.getlist("ids"))
    if not models:
        flash("Tick at least one model to run an action on. No models were changed.", "warning")
        return redirect(back)
    if request.form.get("confirm") != "yes":
        return confirm_page(action, models)
    return _run_bulk(action, models)
