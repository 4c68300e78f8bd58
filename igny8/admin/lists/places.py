"""Filters on a list's places: rows that may match several values at once (one place each).

An account overriding three slots has three places (account id, slot, model); a `place` filter
keeps the rows with a place matching it, and every selected place filter must match the same
place ("the text slot points at model 7"). One UNION query counts, per filter and value, the
rows the choice would show together with the search and the other filters.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, distinct, func, literal, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from igny8.admin.lists.declare import Filter, ListOptions
from igny8.extensions import db


def place_filters(options: ListOptions) -> list[Filter]:
    """The filters on the list's places."""
    return [flt for flt in options.filters if flt.place]


def _matching(places, filters: list[Filter], selected: dict[str, Any], skip: str = ""):
    """Conditions on one place for every selected place filter except `skip`."""
    return [places.c[flt.column] == selected[flt.key] for flt in filters
            if flt.key in selected and flt.key != skip]


def place_clause(options: ListOptions, selected: dict[str, Any]) -> ColumnElement[bool] | None:
    """Rows with one place matching every selected place filter; None when none is selected."""
    filters = place_filters(options)
    if not any(flt.key in selected for flt in filters):
        return None
    places = options.places()
    wanted = select(places.c[options.places_row_id]).where(
        *_matching(places, filters, selected))
    return options.model.id.in_(wanted)


def place_counts(options: ListOptions, row_conditions: list, selected: dict[str, Any]
                 ) -> dict[str, dict[str, int]]:
    """Filter key → value (as text) → rows with such a place, the rest applied (one query)."""
    filters = place_filters(options)
    if not filters:
        return {}
    places = options.places()
    row_id = places.c[options.places_row_id]
    parts = [
        select(literal(flt.key).label("filter_key"),
               cast(places.c[flt.column], Text).label("value"),
               func.count(distinct(row_id)).label("rows"))
        .select_from(places).join(options.model, options.model.id == row_id)
        .where(places.c[flt.column].is_not(None), *row_conditions,
               *_matching(places, filters, selected, skip=flt.key))
        .group_by(places.c[flt.column])
        for flt in filters
    ]
    counts: dict[str, dict[str, int]] = {flt.key: {} for flt in filters}
    for key, value, rows in db.session.execute(union_all(*parts)):
        counts[key][value] = rows
    return counts
