"""The row buttons' Activate/Deactivate: each sends the state it asks for, never a flip."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.catalogue.bulk_routes import confirm_page
from igny8.catalogue.routes import bp, get_model, local_next
from igny8.errors import ConflictError, DomainError
from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.services import catalogue as catalogue_service
from igny8.services import usage as usage_service
from igny8.services.audit import Actor

INTENTS = {"1": True, "0": False}  # the row button's `active` value: the state it asks for


def _already(model: AIModelConfig):
    """Say that the asked-for state is already in effect; nothing is written."""
    state = "active" if model.is_active else "inactive"
    flash(f"{model.display_name} is already {state}. Nothing was changed.", "info")
    return redirect(local_next(url_for("catalogue.index")))


def _set_state(model_id: int, active: bool):
    """Apply the button's intent; after a concurrent write it is re-checked on the latest row."""
    for _attempt in range(2):
        model = get_model(model_id)
        if model.is_active == active:
            return _already(model)
        if not active and usage_service.usage_for([model.id], 1)[model.id].accounts:
            return confirm_page("deactivate", [model])
        service = (catalogue_service.activate_models if active
                   else catalogue_service.deactivate_models)
        try:
            changed = service([model], Actor.for_user(current_user))
        except ConflictError:
            db.session.expire_all()  # someone (maybe this user's first click) wrote it meanwhile
            continue
        except DomainError as exc:  # refused: the row's state, not the request, is at fault
            return confirm_page("activate" if active else "deactivate", [model], 409, exc.message)
        if not changed:  # the service found it already so (e.g. re-read under a row lock)
            return _already(model)
        flash(f"{'Activated' if active else 'Deactivated'} 1 model.", "success")
        return redirect(local_next(url_for("catalogue.index")))
    return confirm_page("activate" if active else "deactivate", [get_model(model_id)], 409,
                        f"{model.display_name} changed twice while saving; try again.")


@bp.post("/<int:model_id>/toggle")
@roles_required(ADMIN, SUPPORT)
def toggle(model_id: int):
    """Activate (active=1) or deactivate (active=0) one model, as its button says.

    The button sends the state it asks for, so a stale tab or a double-click never does the
    opposite: a state already in effect is reported and nothing changes. Deactivating a model
    that accounts override to asks first.
    """
    active = INTENTS.get(request.form.get("active", ""))
    if active is None:
        get_model(model_id)
        abort(400, description="active: send 1 to activate or 0 to deactivate the model. "
                               "Nothing was changed.")
    return _set_state(model_id, active)
