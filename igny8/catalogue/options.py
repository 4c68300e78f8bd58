"""The AI model list declared as data: columns, filters, search fields, page sizes, bulk actions."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from sqlalchemy import DateTime, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from igny8 import caching, lifecycle
from igny8.admin.lists import Action, Column, Filter, ListOptions, RowLink
from igny8.auth.roles import ADMIN, SUPPORT
from igny8.extensions import db
from igny8.models import AIModelConfig
from igny8.lifecycle import STATES, state_badge
from igny8.models.catalogue import MODEL_TYPES, PROVIDERS
from igny8.models.prices import ModelPriceVersion
from igny8.pricing import PRICE_FIELDS, PRICES, PriceField, format_usd
from igny8.services import lifecycle as lifecycle_sql
from igny8.services.usage import usage_counts

DASH = Markup('<span class="dash">&mdash;</span>')


# Many models share a price (fine-tunes are priced like their base): format each value once.
price_text = lru_cache(maxsize=4096)(format_usd)


def price(name: str):
    """A cell function showing one price column (the price in force now) formatted as dollars,
    or a dash, with a badge when a scheduled version changes it."""
    def cell(row: AIModelConfig, extra: dict[str, Any]) -> str:
        value: Decimal | None = getattr(row, name)
        shown = DASH if value is None else price_text(value)
        when, later = row.scheduled_from, getattr(row, f"scheduled_{name}")
        if when is None or later == value:
            return shown
        when = (when if isinstance(when, str) else when.isoformat())[:10]
        return Markup('%s <span class="badge text-bg-warning scheduled-price" title="Scheduled'
                      ' price change">%s from %s</span>') % (
            shown, "—" if later is None else price_text(later), when)
    return cell


def price_column(field: PriceField) -> Column:
    """The sortable list column of one price, headed and titled as igny8.pricing words it."""
    return Column(field.list_key, field.heading, price(field.name),
                  getattr(AIModelConfig, field.name), numeric=True, title=field.title,
                  unit=field.unit)


def tokens(name: str):
    """A cell function showing a token count with thousands separators, or a dash."""
    def cell(row: AIModelConfig, extra: dict[str, Any]) -> str:
        value: int | None = getattr(row, name)
        return DASH if value is None else f"{value:,}"
    return cell


def active_badge(row: AIModelConfig, extra: dict[str, Any]) -> Markup:
    """The lifecycle badge: Active, Retiring/Retired with the date, or Inactive."""
    return state_badge(row)


def used_by(row: AIModelConfig, extra: dict[str, Any]) -> Any:
    """How many places (global slots + account overrides) use the model."""
    return extra["usage"].get(row.id) or DASH


def model_code(row: AIModelConfig, extra: dict[str, Any]) -> Markup:
    """The model name as code; a long one wraps (see admin.css) so the list fits 1280 px."""
    return Markup('<code>%s</code>') % row.model_name


# Per data generation (igny8.caching adds the database and the generation to every key), so a
# page whose rendered-page cache misses reuses what any other page or sort order computed:
ROW_FRAGMENTS = caching.region("catalogue_rows", 4096)  # rendered rows, by id (+ role, list)
USAGE = caching.region("catalogue_usage", 4)  # Used by of every model
COUNTS = caching.region("catalogue_counts", 64)  # the filter counts, by search text and day
FRAGMENTS = caching.region("catalogue_fragments", 512)  # filter bar, header..., by parameters
ORDERS = caching.region("catalogue_orders", 64)  # the ids in list order, by query and day


class ByDay:
    """A region whose keys also carry today: the lifecycle counts change at midnight."""

    def __init__(self, region: caching.Region) -> None:
        self.region = region

    def get_or_build(self, key: Any, build: Any) -> Any:
        """The region's value for (key, today)."""
        return self.region.get_or_build((key, lifecycle.today()), build)


def row_key(row: AIModelConfig, extra: dict[str, Any]) -> tuple:
    """A rendered row within one generation: its cells change with the data, and its
    lifecycle badge with the day."""
    return (row.id, lifecycle.today())


def _usage_of_all() -> dict[int, int]:
    """Used by of every model (two queries, once per generation)."""
    return usage_counts(db.session.scalars(select(AIModelConfig.id)))


def annotate(rows: list[AIModelConfig]) -> dict[str, Any]:
    """Per-page extras: how many places use each row, counted once per data generation."""
    usage = USAGE.get_or_build("all", _usage_of_all)
    return {"usage": {row.id: usage.get(row.id, 0) for row in rows}}


class utc_now(FunctionElement):
    """The database's clock as its stored times read: PostgreSQL now(); SQLite the UTC text
    with microseconds (CURRENT_TIMESTAMP has whole seconds, so a version saved a moment ago
    would still count as scheduled)."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(utc_now)
def _utc_now_default(element, compiler, **kw) -> str:
    """PostgreSQL (and any other database): now()."""
    return "now()"


@compiles(utc_now, "sqlite")
def _utc_now_sqlite(element, compiler, **kw) -> str:
    """SQLite: the UTC time as igny8 stores it, to the millisecond."""
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


def scheduled(name: str):
    """A column of the row query: the model's next scheduled version's `name` (correlated, so
    the list's one query carries the marks; the clock is the database's)."""
    version = ModelPriceVersion
    next_start = (select(func.min(version.effective_from))
                  .where(version.model_id == AIModelConfig.id,
                         version.effective_from > utc_now())
                  .correlate(AIModelConfig).scalar_subquery())
    if name == "effective_from":
        return next_start.label("scheduled_from")
    return (select(getattr(version, name))
            .where(version.model_id == AIModelConfig.id, version.effective_from == next_start)
            .correlate(AIModelConfig).scalar_subquery().label(f"scheduled_{name}"))


M = AIModelConfig
MODEL_LIST = ListOptions(
    model=AIModelConfig,
    columns=(
        Column("display_name", "Display name", lambda r, _: r.display_name, M.display_name,
               link=RowLink("catalogue.detail", "model_id")),
        Column("model_name", "Model name", model_code,
               M.model_name),
        Column("provider", "Provider", lambda r, _: PROVIDERS.get(r.provider, r.provider),
               M.provider),
        Column("model_type", "Type", lambda r, _: MODEL_TYPES.get(r.model_type, r.model_type),
               M.model_type),
        *(price_column(field) for field in PRICES),
        Column("context_window", "Context", tokens("context_window"), M.context_window,
               numeric=True, title="Context window in tokens", unit="tokens"),
        Column("is_active", "Status", active_badge, lifecycle_sql.STATE_RANK,
               title="Active, retiring (deprecation date near), retired or inactive"),
        Column("used_by", "Used by", used_by, numeric=True,
               title="Global settings slots plus accounts overriding to this model"),
    ),
    filters=(
        Filter("provider", "Provider", M.provider, PROVIDERS),
        Filter("type", "Type", M.model_type, MODEL_TYPES),
        Filter("active", "Status", M.is_active, {True: "Active", False: "Inactive"}),
        Filter("state", "Lifecycle", lifecycle_sql.STATE, STATES),
    ),
    search_fields=(M.display_name, M.model_name, M.aliases),
    search_help="Search display names, model names and aliases",
    default_sort="display_name",
    actions=(
        Action("activate", "Activate selected models", (ADMIN, SUPPORT)),
        Action("deactivate", "Deactivate selected models", (ADMIN, SUPPORT)),
    ),
    bulk_endpoint="catalogue.bulk",
    # What the cells and row actions show, as plain rows (a missing name raises).
    row_columns=(M.id, M.provider, M.model_type, M.model_name, M.display_name, M.is_active,
                 *(getattr(M, name) for name in PRICE_FIELDS), M.context_window,
                 M.deprecation_date, scheduled("effective_from"),
                 *(scheduled(name) for name in PRICE_FIELDS)),
    annotate=annotate,
    row_cache=ROW_FRAGMENTS,
    row_key=row_key,
    order_cache=ByDay(ORDERS),
    count_cache=ByDay(COUNTS),
    fragment_cache=ByDay(FRAGMENTS),  # the filter bar shows the lifecycle counts
)
