"""The list engine's queries: filters with counts, whitelisted sort, clamped pages.

Pure SQLAlchemy over `igny8.extensions.db`: it imports no blueprint, so the JSON API and the HTML
lists share it without importing each other. For a declared list, one grouped count (by every
filter column, search applied) gives both the filter counts and the total; one query fetches the
page's rows; `annotate` may add a fixed number more. `paginate` pages any other query.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, func, select
from sqlalchemy.sql.elements import ColumnElement

from igny8.admin.lists.declare import UNKNOWN, Filter, ListOptions
from igny8.admin.lists.page import FacetChoice, ListPage, PageSlice
from igny8.admin.lists.places import place_clause, place_counts
from igny8.admin.lists.search import words_clause
from igny8.extensions import db
from igny8.services.numbers import parse_page


def _search_clause(options: ListOptions, text: str) -> ColumnElement[bool] | None:
    """The list's own search, else the declared search fields matched word by word."""
    if options.search is not None:
        return options.search(text)
    return words_clause(options.search_fields, text)


def clamp_page(page: int, total: int, per_page: int) -> int:
    """`page` kept within 1 and the last page, so ?page=99 shows the last page, not nothing."""
    return max(1, min(page, math.ceil(total / per_page)))


def paginate(query: Select, page: int, per_page: int, clamp: bool = True) -> PageSlice:
    """One page of `query`'s rows with the total (two queries); `clamp` keeps the page in range."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = clamp_page(page, total, per_page) if clamp else page
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return PageSlice(items=items, total=total, page=page, per_page=per_page)


def _selected_filters(options: ListOptions, args: Mapping[str, str]) -> dict[str, Any]:
    """Filter key → selected column value, from the query string (or the filter's default)."""
    parsed = {f.key: f.parse(args[f.key]) if args.get(f.key, "") != "" else f.default
              for f in options.filters if not (f.all_param and args.get(f.key) == f.all_param)}
    return {key: value for key, value in parsed.items() if value not in (UNKNOWN, None)}


def _row_conditions(options: ListOptions, search, selected: dict[str, Any]) -> list:
    """WHERE conditions of the search and the selected column (not place) filters."""
    conditions = [f.column == selected[f.key] for f in options.filters
                  if not f.place and f.key in selected]
    return conditions if search is None else [*conditions, search]


def _matches(cell: dict[str, Any], selected: dict[str, Any], skip: str | None = None) -> bool:
    """Whether a grouped-count cell satisfies every selected column filter except `skip`."""
    return all(cell[key] == value for key, value in selected.items()
               if key != skip and key in cell)


def _place_choices(flt: Filter, counts: dict[str, int], selected) -> list[FacetChoice]:
    """A place filter's choices: its values (labelled, when `labels` names them) with counts."""
    labels = dict(flt.choices) if flt.labels is None else flt.labels(list(counts))
    return [FacetChoice(param=flt.param(value), label=label,
                        count=counts.get(flt.param(value), 0),
                        selected=flt.key in selected and flt.param(selected[flt.key]) ==
                        flt.param(value))
            for value, label in labels.items()]


def _facets(options, cube, selected, place_counts) -> list[tuple[Filter, list[FacetChoice]]]:
    """Each filter's choices with the count it would give together with the other filters."""
    facets = []
    for flt in options.filters:
        if flt.place:
            facets.append((flt, _place_choices(flt, place_counts[flt.key], selected)))
            continue
        values = dict(flt.choices)
        for cell, _count in cube:
            values.setdefault(cell[flt.key], str(cell[flt.key]))
        choices = [
            FacetChoice(
                param=flt.param(value),
                label=label,
                count=sum(n for cell, n in cube
                          if cell[flt.key] == value and _matches(cell, selected, flt.key)),
                selected=flt.key in selected and selected[flt.key] == value,
            )
            for value, label in values.items()
        ]
        facets.append((flt, choices))
    return facets


def _int_arg(args: Mapping[str, str], name: str, default: int) -> int:
    """A positive integer query parameter, else `default`."""
    return parse_page(args.get(name), default)


def _order_by(options: ListOptions, sort: str) -> list[Any]:
    """ORDER BY for a whitelisted sort key (unknown keys fall back to the default), id last."""
    column = options.column(sort.lstrip("-"))
    if column is None or column.sort is None:
        sort = options.default_sort
        column = options.column(sort.lstrip("-"))
    order = []
    if column is not None and column.sort is not None:
        direction = column.sort.desc() if sort.startswith("-") else column.sort.asc()
        order.append(direction.nulls_last())
    return [*order, *options.then_by, options.model.id]


def clean_args(options: ListOptions, args: Mapping[str, str]) -> dict[str, str]:
    """The query parameters the list understands, as strings."""
    known = ("q", *(f.key for f in options.filters), *options.keep_args, "sort", "per_page",
             "page")
    return {key: args[key] for key in known if args.get(key)}


def _count_cube(options: ListOptions, search, places=None) -> list[tuple[dict[str, Any], int]]:
    """Row counts grouped by every column filter, search and place filters applied (one query)."""
    filters = [f for f in options.filters if not f.place]
    group = [f.column for f in filters]
    query = select(*group, func.count()).select_from(options.model).group_by(*group)
    query = query.where(*(clause for clause in (search, places) if clause is not None))
    return [({f.key: row[i] for i, f in enumerate(filters)}, row[-1])
            for row in db.session.execute(query)]


def _filtered(options: ListOptions, search, selected, sort: str) -> Select:
    """The SELECT of the list's rows, filtered, searched and sorted."""
    query = select(options.model).where(*_row_conditions(options, search, selected))
    places = place_clause(options, selected)
    if places is not None:
        query = query.where(places)
    return query.order_by(*_order_by(options, sort))


class RowId(NamedTuple):
    """A listed row known by its id only (its cells come from the row cache)."""

    id: int
    id_only: bool = True


def _ordered_rows(options: ListOptions, query: Select, key: tuple, start: int,
                  per_page: int) -> list[Any]:
    """One page of `query` from the order cache: RowIds when it knows the ids; else every
    matching row is read once (one query) to fill it, and the page's rows come with all their
    columns."""
    read: dict[int, Any] = {}

    def every_id() -> list[int]:
        rows = db.session.execute(query.with_only_columns(*options.row_columns))
        read.update((row.id, row) for row in rows)
        return list(read)

    ids = options.order_cache.get_or_build(key, every_id)[start:start + per_page]
    return [read[row_id] for row_id in ids] if read else [RowId(row_id) for row_id in ids]


def _rows_by_id(options: ListOptions) -> Any:
    """A loader of rows (`row_columns`) by id, for the rows a page must build."""
    def load(ids: list[int]) -> dict[int, Any]:
        query = select(options.model).where(options.model.id.in_(ids))
        return {row.id: row for row in db.session.execute(
            query.with_only_columns(*options.row_columns))}
    return load


def _page_rows(options, search, selected, sort, page, per_page,
               text: str | None = None) -> list[Any]:
    """The rows of one page, filtered, searched and sorted (one query; none when the order
    cache knows their ids). `text` is the search the order cache is keyed by; None (a page
    narrowed by conditions its key cannot name) does not use that cache."""
    query = _filtered(options, search, selected, sort)
    if options.order_cache is not None and text is not None:
        key = ("rows", text, tuple(sorted(selected.items())), sort)
        return _ordered_rows(options, query, key, (page - 1) * per_page, per_page)
    query = query.limit(per_page).offset((page - 1) * per_page)
    if options.row_columns:
        return list(db.session.execute(query.with_only_columns(*options.row_columns)))
    return list(db.session.scalars(query.options(*options.load_options)))


def matching_query(options: ListOptions, args: Mapping[str, str]) -> Select:
    """Every row the list shows for `args` (its search, filters and sort), all pages (exports)."""
    clean = clean_args(options, args)
    return _filtered(options, _search_clause(options, clean.get("q", "")),
                     _selected_filters(options, clean), clean.get("sort", options.default_sort))


def build_list_page(options: ListOptions, endpoint: str, args: Mapping[str, str],
                    role: str | None, where: tuple = ()) -> ListPage:
    """Run the list's queries and assemble the page; `where` narrows it further (a screen's own
    filter form, kept in the links by `keep_args`)."""
    clean = clean_args(options, args)
    search = _search_clause(options, clean.get("q", ""))
    if where:
        search = and_(*where) if search is None else and_(search, *where)
    selected = _selected_filters(options, clean)
    if options.places is not None:  # place filters: counts by the other filters, not cached
        cube = _count_cube(options, search, place_clause(options, selected))
    elif options.count_cache is None:
        cube = _count_cube(options, search)
    else:
        cube = options.count_cache.get_or_build(
            ("counts", clean.get("q", "")), lambda: _count_cube(options, search))
    total = sum(n for cell, n in cube if _matches(cell, selected))
    per_page = _int_arg(clean, "per_page", options.default_page_size)
    per_page = per_page if per_page in options.page_sizes else options.default_page_size
    page = clamp_page(_int_arg(clean, "page", 1), total, per_page)
    sort = clean.get("sort", options.default_sort)
    rows = _page_rows(options, search, selected, sort, page, per_page,
                      None if where else clean.get("q", ""))
    clean.update(page=str(page) if page > 1 else "", per_page=str(per_page))
    if per_page == options.default_page_size:
        clean.pop("per_page")
    return ListPage(
        options=options, endpoint=endpoint, args=clean, rows=rows, total=total, page=page,
        per_page=per_page, facets=_facets(options, cube, selected, place_counts(
            options, _row_conditions(options, search, selected), selected)),
        actions=[action for action in options.actions if role in action.roles],
        extra=options.annotate(rows) if options.annotate else {}, role=role,
        load_rows=_rows_by_id(options) if options.order_cache is not None else None,
    )
