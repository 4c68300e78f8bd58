"""A built page of a list: its rows, counts and the links that change it (search, sort, page)."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from markupsafe import Markup, escape

from igny8.admin.lists.declare import Action, Column, Filter, ListOptions, RowLink

NUMERIC_CELL = Markup(' class="num"')  # right-aligned, one line (admin.css)
QUERY_SAFE = "!$'()*,/:;?@"  # what werkzeug's url_for leaves unquoted in a query string


def cell_class(column: Column) -> Markup:
    """The class attribute of a column's cells ("" when it has none)."""
    if not column.css:
        return NUMERIC_CELL if column.numeric else Markup("")
    return Markup(' class="%s"') % (f"num {column.css}" if column.numeric else column.css)


def page_numbers(page: int, pages: int) -> list[int | None]:
    """Page numbers to link, with None for a gap (first, last and two around the current)."""
    wanted = {1, pages, *range(page - 2, page + 3)}
    links: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= pages):
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


@dataclass
class PageSlice:
    """One page of any query's rows with the total: what a plain list template pages through."""

    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The previous page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The next page's number."""
        return self.page + 1

    def iter_pages(self) -> list[int | None]:
        """Page numbers to link, None for a gap."""
        return page_numbers(self.page, self.pages)


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
    role: str | None = None
    # With an order cache the rows may carry only their id; this loads them when one is built.
    load_rows: Callable[[list[int]], dict[int, Any]] | None = None
    # Row ids whose checkbox is drawn ticked (a confirmation page's Cancel sends them back).
    ticked: frozenset = frozenset()

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

    def _cell_makers(self) -> list[tuple[Markup, Markup, Callable | None, Callable, Any]]:
        """Per column: class attribute, key, row → link (one url_for per page), cell function
        and the function of what follows the value (or None)."""
        return [(cell_class(column), escape(column.key),
                 column.link.builder() if column.link else None, column.value, column.after)
                for column in self.options.columns]

    def _cells(self, makers, row) -> list[tuple[Markup, Markup, str | None, Any, Any]]:
        """One row's cells: (class attribute or "", column key, link or None, value, after)."""
        extra = self.extra
        return [(css, key, link and link(row), value(row, extra), after and after(row, extra))
                for css, key, link, value, after in makers]

    def table_rows(self) -> list[tuple[Any, list[tuple[Markup, Markup, str | None, Any]]]]:
        """Each row with its cells, computed once per page so the template is one plain loop."""
        makers = self._cell_makers()
        return [(row, self._cells(makers, row)) for row in self.rows]

    def rows_html(self, row_macro: Callable, row_actions: Callable | None, bulk: bool) -> Markup:
        """Every row rendered by `row_macro` as one text, from the declared row cache if there."""
        makers: list = []  # made on the first row built: a page all from the cache needs none

        def build(row) -> str:
            if not makers:
                makers.extend(self._cell_makers())
            return str(row_macro(row, self._cells(makers, row), bulk, row_actions, self))

        options, rows = self.options, self.rows
        if options.row_cache is None or options.row_key is None:
            return Markup("\n".join(build(row) for row in rows))
        scope = (self.endpoint, self.role, bool(bulk))
        keys = [(*scope, row.id in self.ticked, *options.row_key(row, self.extra))
                for row in rows]
        full_row = self._full_rows()
        return Markup("\n".join(options.row_cache.get_many_or_build(
            keys, lambda i: build(row) if (row := full_row(i)) is not None else "")))

    def _full_rows(self) -> Callable[[int], Any]:
        """The i-th row with every column: the row itself, or, for a row listed by id only,
        loaded (the page's rows in one query, on the first one built); None for a row deleted
        since its id was listed."""
        rows, load = self.rows, self.load_rows
        if load is None:
            return rows.__getitem__
        loaded: dict[int, Any] = {}

        def full(i: int) -> Any:
            if not getattr(rows[i], "id_only", False):
                return rows[i]
            if not loaded:
                loaded.update(load([row.id for row in rows]))
            return loaded.get(rows[i].id)
        return full

    def fragment(self, name: str, macro: Callable, *args: Any) -> Markup:
        """`macro(self, *args)`, from the declared fragment cache (it must ignore the page)."""
        cache = self.options.fragment_cache
        if cache is None:
            return macro(self, *args)
        others = tuple(item for item in self.args.items() if item[0] != "page")
        key = (self.endpoint, self.role, name, *args, others)
        return Markup(cache.get_or_build(key, lambda: str(macro(self, *args))))

    @cached_property
    def base_url(self) -> str:
        """The list's path, built once per page for its ~30 filter, sort and page links."""
        return url_for(self.endpoint)

    def url(self, **changes: Any) -> str:
        """This list's URL with some parameters changed (None removes one), as url_for writes it."""
        args = {**self.args, **{key: value for key, value in changes.items()}}
        query = urlencode([(key, value) for key, value in args.items()
                           if value not in (None, "")], safe=QUERY_SAFE)
        return f"{self.base_url}?{query}" if query else self.base_url

    def sort_url(self, column: Column) -> str:
        """The URL sorting by `column`, flipping the direction when it is already the sort."""
        target = f"-{column.key}" if self.sort == column.key else column.key
        return self.url(sort=target, page=None)

    def sort_state(self, column: Column) -> str:
        """"asc", "desc" or "" for the header of `column`."""
        if self.sort == column.key:
            return "asc"
        return "desc" if self.sort == f"-{column.key}" else ""

    def selectable(self, row: Any) -> bool:
        """Whether the row gets a checkbox for the bulk actions."""
        return self.options.selectable is None or self.options.selectable(row)

    def select_label(self, row: Any) -> str:
        """The accessible name of the row's checkbox."""
        label = self.options.select_label
        if label is not None:
            return label(row)
        name = getattr(row, "display_name", None) or getattr(row, "name", None)
        return f"Select {name or f'row {row.id}'}"

    @property
    def filtered(self) -> bool:
        """Whether a search or a filter narrows the list (a Clear link then undoes it)."""
        return any(self.args.get(key) for key in ("q", *(f.key for f in self.options.filters)))

    def clear_url(self) -> str:
        """This list without its search and filters (sort and page size kept)."""
        return self.url(q=None, page=None, **dict.fromkeys(f.key for f in self.options.filters))

    def page_links(self) -> list[int | None]:
        """Page numbers to link, with None for a gap."""
        return page_numbers(self.page, self.pages)
