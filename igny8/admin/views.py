"""The admin dashboard and the site root."""
from flask import Blueprint, redirect, render_template, url_for

from igny8.auth.roles import ADMIN, SUPPORT, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required(ADMIN, SUPPORT)
def index():
    """Dashboard: the sidebar groups and their screens as cards."""
    return render_template("admin/index.html")


@roles_required(ADMIN, SUPPORT)
def root():
    """`/` opens the dashboard."""
    return redirect(url_for("admin.index"))
