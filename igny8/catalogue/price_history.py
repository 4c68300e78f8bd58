"""The model page's price history: the versions table, the price chart, the admins' correction
of a version, and the link to a re-costing preview after a correction or a past-dated price."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import flash, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup

from igny8 import charts
from igny8.auth.roles import ADMIN, roles_required
from igny8.catalogue.price_forms import PriceCorrectionForm
from igny8.catalogue.routes import bp, detail_page, get_model, optional_url
from igny8.errors import DomainError, page_status
from igny8.extensions import db
from igny8.models.prices import ModelPriceVersion
from igny8.pricing import format_usd
from igny8.services import price_versions, prices
from igny8.services.audit import Actor
from igny8.services.costing import as_utc

CHART_DAYS = 365  # the chart shows the last year and every scheduled change
SERIES = {"text": (("Input $/1M", "input_price_per_1m"), ("Output $/1M", "output_price_per_1m")),
          "image": (("Per image $", "price_per_image"),)}


@dataclass
class VersionRow:
    """One version as the table shows it."""

    version: ModelPriceVersion
    status: str  # "in force", "scheduled" or "" (history)
    form: PriceCorrectionForm | None = None


@dataclass
class PriceHistory:
    """What the partial renders."""

    rows: list[VersionRow] = field(default_factory=list)
    chart: Markup | None = None
    recost_url: str | None = None


def _status(version: ModelPriceVersion, in_force: ModelPriceVersion | None,
            now: datetime) -> str:
    """In force, scheduled, or history."""
    if version is in_force:
        return "in force"
    return "scheduled" if as_utc(version.effective_from) > now else ""


def _form(version: ModelPriceVersion, forms: dict[int, PriceCorrectionForm]) -> Any:
    """The correction form of a version (admins only): the one posted, or one filled."""
    if not current_user.is_admin:
        return None
    if version.id in forms:
        return forms[version.id]
    form = PriceCorrectionForm(formdata=None, prefix=f"v{version.id}")
    form.fill(version)
    return form


def _chart(model: Any, versions: list[ModelPriceVersion], now: datetime) -> Markup | None:
    """Step lines of the prices over time; scheduled changes dashed, from now on."""
    if not versions:
        return None
    start = now - timedelta(days=CHART_DAYS)
    past = [v for v in versions if as_utc(v.effective_from) <= now]
    future = [v for v in versions if as_utc(v.effective_from) > now]
    series, dashed = {}, []
    for label, name in SERIES.get(model.model_type, ()):
        points = [(max(as_utc(v.effective_from), start), getattr(v, name)) for v in past]
        if points:
            points.append((now, points[-1][1]))
            series[label] = points
        if future:
            ahead = [(now, points[-1][1] if points else None)] + [
                (as_utc(v.effective_from), getattr(v, name)) for v in future]
            series[f"{label} (scheduled)"] = ahead
            dashed.append(f"{label} (scheduled)")
    return charts.time_series(f"{model.display_name}: prices over time", "USD", series,
                              value_format=lambda value: format_usd(value), step=True,
                              dashed=dashed)


def _recost_url(model: Any) -> str | None:
    """The re-costing preview since the time the redirect carried, when that screen exists."""
    since = request.args.get("recost_since")
    if not since:
        return None
    return optional_url("credits.recost_new", model_id=model.id, since=since)


def price_history(model: Any, forms: dict[int, PriceCorrectionForm] | None = None
                  ) -> PriceHistory:
    """The versions (newest first) with their marks, the chart, the re-costing link."""
    now = prices.utcnow()
    versions = price_versions.versions_of(model.id)
    in_force = next((v for v in reversed(versions) if as_utc(v.effective_from) <= now), None)
    rows = [VersionRow(v, _status(v, in_force, now), _form(v, forms or {}))
            for v in reversed(versions)]
    return PriceHistory(rows, _chart(model, versions, now), _recost_url(model))


@bp.context_processor
def price_history_context() -> dict:
    """The partial builds its history with `price_history(model, corrections)`."""
    return {"price_history": price_history}


@bp.post("/<int:model_id>/prices/<int:version_id>/correct")
@roles_required(ADMIN)
def correct_price(model_id: int, version_id: int):
    """Correct one price version in place; the model page then offers a re-costing preview."""
    model = get_model(model_id)
    version = db.session.get(ModelPriceVersion, version_id)
    if version is None or version.model_id != model.id:
        return detail_page(model, 404, problem=f"There is no price version {version_id} of "
                                               f"{model.display_name}.")
    form = PriceCorrectionForm(prefix=f"v{version_id}")
    if not form.validate_on_submit():
        return detail_page(model, 400, corrections={version_id: form},
                           problem="The correction was not saved: see the fields marked.")
    try:
        corrected = prices.correct_version(version_id, form.values(model.model_type),
                                           Actor.for_user(current_user))
    except DomainError as exc:
        for name, message in exc.fields.items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        return detail_page(model, page_status(exc), corrections={version_id: form},
                           problem=exc.message)
    since = as_utc(corrected.effective_from).isoformat()
    flash(f"Corrected the prices of {model.display_name} from {since}.", "success")
    return redirect(url_for("catalogue.detail", model_id=model.id, recost_since=since))
