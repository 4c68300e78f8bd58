"""The admin dashboard and the site root."""
from flask import Blueprint, redirect, render_template, url_for

from igny8 import lifecycle
from igny8.auth.roles import ADMIN, SUPPORT, roles_required
from igny8.services import health as health_service

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required(ADMIN, SUPPORT)
def index():
    """Dashboard: the catalogue's health checks, each linking to where it is fixed."""
    return render_template("admin/index.html", health=health_service.health(),
                           problems=health_service.OVERRIDE_PROBLEMS,
                           stale_days=health_service.STALE_PRICE_DAYS,
                           states=lifecycle.STATES, today=lifecycle.today())


@roles_required(ADMIN, SUPPORT)
def root():
    """`/` opens the dashboard."""
    return redirect(url_for("admin.index"))
