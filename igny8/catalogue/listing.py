"""Declarative list screens, Django-admin style: columns, filters, search, sort, sizes, actions.

A screen declares a `ListOptions`; `build_list_page(options, endpoint, request.args, role)` runs a
fixed number of queries (one grouped count for the filter counts and the total, one for the rows,
plus whatever `annotate` needs) and returns a `ListPage` that `templates/macros/lists.html` renders.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from igny8.extensions import db

PAGE_SIZES = (25, 50, 100, 200)
UNKNOWN = object()  # a filter value that cannot match: the filter is ignored


@dataclass(frozen=True)
class Column:
    """A list column: `value(row, extra)` is the cell; a `sort` SQL expression makes it sortable."""

    key: str
    label: str
    value: Callable[[Any, dict[str, Any]], Any]
    sort: Any = None
    link: Callable[[Any], str] | None = None
    numeric: bool = False
    title: str = ""


@dataclass(frozen=True)
class Filter:
    """A filter on one column's value, listed with how many rows each choice would show."""

    key: str
    label: str
    column: Any
    choices: Mapping[Any, str]

    def param(self, value: Any) -> str:
        """The query-string form of a column value."""
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value)

    def parse(self, raw: str) -> Any:
        """The column value of a query-string value; UNKNOWN when a non-text column gets junk."""
        for value in self.choices:
            if self.param(value) == raw:
                return value
        return raw if all(isinstance(value, str) for value in self.choices) else UNKNOWN


@dataclass(frozen=True)
class Action:
    """A bulk action on selected rows and the roles allowed to run it."""

    name: str
    label: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class ListOptions:
    """Everything a list screen declares."""

    model: type
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    search_fields: tuple[Any, ...] = ()
    search_help: str = ""
    default_sort: str = ""
    page_sizes: tuple[int, ...] = PAGE_SIZES
    default_page_size: int = 50
    actions: tuple[Action, ...] = ()
    bulk_endpoint: str | None = None
    load_options: tuple[Any, ...] = ()
    annotate: Callable[[list[Any]], dict[str, Any]] | None = None

    def column(self, key: str) -> Column | None:
        """The column named `key`, if any."""
        return next((column for column in self.columns if column.key == key), None)


@dataclass
class FacetChoice:
    """One choice of a filter with its count and whether it is selected."""

    param: str
    label: str
    count: int
    selected: bool


@dataclass
class ListPage:
    """One rendered page of a list: its rows, counts and the links to change it."""

    options: ListOptions
    endpoint: str
    args: dict[str, str]
    rows: list[Any]
    total: int
    page: int
    per_page: int
    facets: list[tuple[Filter, list[FacetChoice]]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_index(self) -> int:
        """1-based position of the first row shown."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        """1-based position of the last row shown."""
        return (self.page - 1) * self.per_page + len(self.rows)

    @property
    def search(self) -> str:
        """The current search text."""
        return self.args.get("q", "")

    @property
    def sort(self) -> str:
        """The current sort key, `-` prefixed when descending."""
        return self.args.get("sort", self.options.default_sort)

    def cell(self, column: Column, row: Any) -> Any:
        """The value `column` shows for `row`."""
        return column.value(row, self.extra)

    def url(self, **changes: Any) -> str:
        """This list's URL with some parameters changed (None removes one)."""
        args = {**self.args, **{key: value for key, value in changes.items()}}
        args = {key: value for key, value in args.items() if value not in (None, "")}
        return url_for(self.endpoint, **args)

    def sort_url(self, column: Column) -> str:
        """The URL sorting by `column`, flipping the direction when it is already the sort."""
        target = f"-{column.key}" if self.sort == column.key else column.key
        return self.url(sort=target, page=None)

    def sort_state(self, column: Column) -> str:
        """"asc", "desc" or "" for the header of `column`."""
        if self.sort == column.key:
            return "asc"
        return "desc" if self.sort == f"-{column.key}" else ""

    def page_links(self) -> list[int | None]:
        """Page numbers to link, with None for a gap (first, last and two around the current)."""
        wanted = {1, self.pages, *range(self.page - 2, self.page + 3)}
        numbers = sorted(n for n in wanted if 1 <= n <= self.pages)
        links: list[int | None] = []
        for number in numbers:
            if links and number - (links[-1] or 0) > 1:
                links.append(None)
            links.append(number)
        return links


def _search_clause(options: ListOptions, text: str) -> ColumnElement[bool] | None:
    """Every word must occur in one of the search fields (JSON columns compared as text)."""
    words = text.split()
    if not words or not options.search_fields:
        return None
    clauses = []
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(or_(*(cast(column, Text).ilike(pattern, escape="\\")
                             for column in options.search_fields)))
    return and_(*clauses)


def _selected_filters(options: ListOptions, args: Mapping[str, str]) -> dict[str, Any]:
    """Filter key → selected column value, from the query string."""
    parsed = {f.key: f.parse(args[f.key]) for f in options.filters if args.get(f.key, "") != ""}
    return {key: value for key, value in parsed.items() if value is not UNKNOWN}


def _matches(cell: dict[str, Any], selected: dict[str, Any], skip: str | None = None) -> bool:
    """Whether a grouped-count cell satisfies every selected filter except `skip`."""
    return all(cell[key] == value for key, value in selected.items() if key != skip)


def _facets(options, cube, selected) -> list[tuple[Filter, list[FacetChoice]]]:
    """Each filter's choices with the count it would give together with the other filters."""
    facets = []
    for flt in options.filters:
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
    raw = args.get(name, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


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
    return [*order, options.model.id]


def _clean_args(options: ListOptions, args: Mapping[str, str]) -> dict[str, str]:
    """The query parameters the list understands, as strings."""
    known = ("q", *(f.key for f in options.filters), "sort", "per_page", "page")
    return {key: args[key] for key in known if args.get(key)}


def _count_cube(options: ListOptions, search) -> list[tuple[dict[str, Any], int]]:
    """Row counts grouped by every filter column, search applied (one query)."""
    group = [f.column for f in options.filters]
    query = select(*group, func.count()).select_from(options.model).group_by(*group)
    if search is not None:
        query = query.where(search)
    return [({f.key: row[i] for i, f in enumerate(options.filters)}, row[-1])
            for row in db.session.execute(query)]


def _page_rows(options, search, selected, sort, page, per_page) -> list[Any]:
    """The rows of one page, filtered, searched and sorted (one query)."""
    query = select(options.model).options(*options.load_options)
    query = query.where(*(f.column == selected[f.key]
                          for f in options.filters if f.key in selected))
    if search is not None:
        query = query.where(search)
    query = query.order_by(*_order_by(options, sort))
    return list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))


def build_list_page(options: ListOptions, endpoint: str, args: Mapping[str, str],
                    role: str | None) -> ListPage:
    """Run the list's queries and assemble the page."""
    clean = _clean_args(options, args)
    search = _search_clause(options, clean.get("q", ""))
    selected = _selected_filters(options, clean)
    cube = _count_cube(options, search)
    total = sum(n for cell, n in cube if _matches(cell, selected))
    per_page = _int_arg(clean, "per_page", options.default_page_size)
    per_page = per_page if per_page in options.page_sizes else options.default_page_size
    page = min(_int_arg(clean, "page", 1), max(1, math.ceil(total / per_page)))
    sort = clean.get("sort", options.default_sort)
    rows = _page_rows(options, search, selected, sort, page, per_page)
    clean.update(page=str(page) if page > 1 else "", per_page=str(per_page))
    if per_page == options.default_page_size:
        clean.pop("per_page")
    return ListPage(
        options=options, endpoint=endpoint, args=clean, rows=rows, total=total, page=page,
        per_page=per_page, facets=_facets(options, cube, selected),
        actions=[action for action in options.actions if role in action.roles],
        extra=options.annotate(rows) if options.annotate else {},
    )
