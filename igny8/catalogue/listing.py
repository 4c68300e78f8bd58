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
