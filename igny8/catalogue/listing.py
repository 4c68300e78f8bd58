"""Declarative list screens, Django-admin style: columns, filters, search, sort, sizes, actions.

A screen declares a `ListOptions`; `list_query.build_list_page(options, endpoint, args, role)` runs
a fixed number of queries and returns a `ListPage` that `templates/macros/lists.html` renders.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

PAGE_SIZES = (25, 50, 100, 200)
UNKNOWN = object()  # a filter value that cannot match: the filter is ignored
PLACEHOLDER_ID = 918_273_645_546  # built into a row URL once, then replaced by each row's id
NUMERIC_CELL = Markup("text-end text-nowrap")


@dataclass(frozen=True)
class RowLink:
    """A per-row URL declared as data: `endpoint` with the row's `attribute` as the `arg` value."""

    endpoint: str
    arg: str
    attribute: str = "id"

    def builder(self) -> Callable[[Any], str]:
        """Row → URL from one url_for per page: the row's value takes the placeholder's place."""
        built = url_for(self.endpoint, **{self.arg: PLACEHOLDER_ID})
        prefix, _, suffix = built.rpartition(str(PLACEHOLDER_ID))
        attribute = self.attribute
        return lambda row: f"{prefix}{getattr(row, attribute)}{suffix}"


@dataclass(frozen=True)
class Column:
    """A list column: `value(row, extra)` is the cell; a `sort` SQL expression makes it sortable."""

    key: str
    label: str
    value: Callable[[Any, dict[str, Any]], Any]
    sort: Any = None
    link: RowLink | None = None
    numeric: bool = False
    title: str = ""
    unit: str = ""


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

    def row_url(self, endpoint: str, arg: str) -> Callable[[Any], str]:
        """Row → URL of `endpoint` with the row id as `arg`, from one url_for for the page."""
        return RowLink(endpoint, arg).builder()

    def table_rows(self) -> list[tuple[Any, list[tuple[Markup, Markup, str | None, Any]]]]:
        """Each row with its cells as (CSS class, column key, link or None, value).

        Computed here once per page so the table template is one plain loop: no macro call,
        attribute lookup or url_for per cell.
        """
        extra = self.extra
        columns = [(NUMERIC_CELL if column.numeric else Markup(""), escape(column.key),
                    column.link.builder() if column.link else None, column.value)
                   for column in self.options.columns]
        return [(row, [(css, key, link and link(row), value(row, extra))
                       for css, key, link, value in columns])
                for row in self.rows]

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
