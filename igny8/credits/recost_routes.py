"""Re-costing screens: the runs, a preview before applying, a run's progress and detail.

Support sees everything; only admins apply or resume (enforced here, on the server).
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.credits.blueprint import bp
from igny8.credits.recost_forms import RecostQueryForm
from igny8.errors import DomainError, page_status
from igny8.services import recost_jobs, recosting
from igny8.services.audit import Actor
from igny8.services.numbers import parse_id
from igny8.services.recost_window import change_text, parse_moment

REFRESH_SECONDS = 2


def _query_form(values) -> RecostQueryForm:
    """The model/since form filled from `values` (GET args or the apply form)."""
    form = RecostQueryForm(values)
    form.set_model_choices()
    return form


def _window_of(values) -> tuple[int | None, object, object]:
    """model id, since and until from the form values; ValidationFailed names a bad one."""
    since = parse_moment(values.get("since"), "since")
    return parse_id(values.get("model_id")), since, parse_moment(
        values.get("until"), "until", required=False)


@bp.get("/recost")
@roles_required(ADMIN, SUPPORT)
def recost_runs():
    """The runs, newest first, and the form that previews a new one."""
    runs = recosting.recent_runs()
    return render_template("credits/recost_runs.html", runs=runs, form=_query_form(None),
                           model_names=recosting.model_names(runs))


@bp.get("/recost/new")
@roles_required(ADMIN, SUPPORT)
def recost_new():
    """The preview of a re-costing: records that change, old vs new totals per account."""
    form = _query_form(request.args)
    if not request.args.get("model_id"):
        return render_template("credits/recost_new.html", form=form, preview=None)
    try:
        shown = recosting.preview(*_window_of(request.args))
    except DomainError as error:
        return render_template("credits/recost_new.html", form=form, preview=None,
                               problem=error.message), page_status(error)
    return render_template("credits/recost_new.html", form=form, preview=shown,
                           can_apply=current_user.role == ADMIN)


@bp.post("/recost/new")
@roles_required(ADMIN)
def recost_start():
    """Record the run and start it outside the request; its progress page follows."""
    try:
        model_id, since, until = _window_of(request.form)
        run_id = recosting.start_run(model_id, since, until, Actor.for_user(current_user))
    except DomainError as error:
        return render_template("credits/recost_new.html", form=_query_form(request.form),
                               preview=None, problem=f"Nothing was started: {error.message}"
                               ), page_status(error)
    recost_jobs.start_in_background(current_app._get_current_object(), run_id)
    flash(f"Re-costing run {run_id} started.", "success")
    return redirect(url_for("credits.recost_run", run_id=run_id))


@bp.get("/recost/<int:run_id>")
@roles_required(ADMIN, SUPPORT)
def recost_run(run_id: int):
    """A run's progress (the page refreshes itself while the run is active) and its totals."""
    run = recosting.get_run(run_id)
    if run is None:
        abort(404, description=f"No re-costing run {run_id}.")
    active = run.status in recosting.ACTIVE
    return render_template("credits/recost_run.html", run=run, active=active,
                           refresh=REFRESH_SECONDS if active else None,
                           running_here=recost_jobs.running_here(run_id),
                           model_names=recosting.model_names([run]),
                           versions_text=change_text(run.price_change.get("versions", [])),
                           can_apply=current_user.role == ADMIN)


@bp.post("/recost/<int:run_id>/resume")
@roles_required(ADMIN)
def recost_resume(run_id: int):
    """Resume a run a dead process left queued, running or failed, from its saved progress."""
    run = recosting.get_run(run_id)
    if run is None:
        abort(404, description=f"No re-costing run {run_id}.")
    if run.status == "done":
        flash(f"Run {run_id} is done; nothing to resume.", "info")
    elif recost_jobs.running_here(run_id):
        flash(f"Run {run_id} is running.", "info")
    else:
        recost_jobs.start_in_background(current_app._get_current_object(), run_id)
        flash(f"Run {run_id} resumed from record {run.records_done}.", "success")
    return redirect(url_for("credits.recost_run", run_id=run_id))
