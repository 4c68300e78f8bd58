"""Replace a model with another everywhere: the preview page and the confirmed apply (admins)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from igny8.auth.roles import ADMIN, roles_required
from igny8.catalogue.forms import ConfirmForm
from igny8.catalogue.routes import bp, get_model
from igny8.errors import ConflictError, DomainError, page_status
from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.services import replacement
from igny8.services.audit import Actor
from igny8.services.numbers import parse_id


def candidates(model: AIModelConfig) -> list[AIModelConfig]:
    """Active models of the same type to replace `model` with, by display name."""
    query = (select(AIModelConfig)
             .where(AIModelConfig.model_type == model.model_type,
                    AIModelConfig.is_active.is_(True), AIModelConfig.id != model.id)
             .order_by(AIModelConfig.display_name, AIModelConfig.id))
    return list(db.session.scalars(query))


def _page(model: AIModelConfig, target_id: int | None, problem: str | None = None,
          status: int = 200):
    """The replace page: the target picker and, once a target is chosen, the preview."""
    plan = None
    if target_id is not None:
        try:
            plan = replacement.plan_replacement(model.id, target_id)
        except DomainError as exc:
            problem, status = exc.message, page_status(exc)
    return render_template("catalogue/replace.html", model=model, plan=plan,
                           candidates=candidates(model), target_id=target_id,
                           problem=problem, form=ConfirmForm()), status


@bp.get("/<int:model_id>/replace")
@roles_required(ADMIN)
def replace(model_id: int):
    """Choose the replacement and preview what moves and what cannot."""
    model = get_model(model_id)
    target = request.args.get("target") or (model.successor_id and str(model.successor_id))
    return _page(model, parse_id(target) if target else None)


@bp.post("/<int:model_id>/replace")
@roles_required(ADMIN)
def apply_replace(model_id: int):
    """Apply the previewed replacement in one audited transaction (409 when it changed)."""
    model = get_model(model_id)
    target_id = parse_id(request.form.get("target"))
    if not ConfirmForm().validate_on_submit() or target_id is None:
        return _page(model, target_id, "The form expired or named no model; try again.", 400)
    try:
        plan = replacement.apply_replacement(
            model.id, target_id, request.form.get("token", ""),
            deactivate=request.form.get("deactivate") == "y",
            actor=Actor.for_user(current_user))
    except ConflictError as exc:
        return _page(model, target_id, exc.message, page_status(exc))
    except DomainError as exc:
        return _page(model, target_id, exc.message, page_status(exc))
    flash(f"Moved {len(plan.moves)} place{'s' if len(plan.moves) != 1 else ''} from "
          f"{plan.source.display_name} to {plan.target.display_name}.", "success")
    return redirect(url_for("catalogue.detail", model_id=model.id))
