"""What a list screen declares, Django-admin style: columns, filters, search, sort, sizes, actions.

A screen declares a `ListOptions`; `query.build_list_page(options, endpoint, args, role)` runs a
fixed number of queries and returns a `ListPage` that `templates/macros/lists.html` renders.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

PAGE_SIZES = (25, 50, 100, 200)
UNKNOWN = object()  # a filter value that cannot match: the filter is ignored
PLACEHOLDER_ID = 918_273_645_546  # built into a row URL once, then replaced by each row's id


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
    # Markup after the (linked) value in the same cell, e.g. a badge: `after(row, extra)`.
    after: Callable[[Any, dict[str, Any]], Any] | None = None
    css: str = ""  # classes of the column's cells and heading, e.g. "d-none d-xl-table-cell"


@dataclass(frozen=True)
class Filter:
    """A filter on one column's value, listed with how many rows each choice would show.

    With `place=True`, `column` names a column of the list's `places` (rows that may match
    several values, e.g. an account overriding several slots); `labels(values)` names the values
    found when they are not known in advance (the others are not offered). `default` is selected
    when the query string names none, `all_param` then asks for every row. `widget="select"`
    shows the filter as a dropdown in the search form instead of links.
    """

    key: str
    label: str
    column: Any
    choices: Mapping[Any, str] = field(default_factory=dict)
    place: bool = False
    labels: Callable[[list[Any]], Mapping[Any, str]] | None = None
    default: Any = None
    all_param: str = ""
    all_label: str = "All"
    widget: str = "links"

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
    # Query parameters of a screen's own filter form, kept in the list's links.
    keep_args: tuple[str, ...] = ()
    # ORDER BY terms after the sort column's (before the id that makes the order total).
    then_by: tuple[Any, ...] = ()
    page_sizes: tuple[int, ...] = PAGE_SIZES
    default_page_size: int = 50
    actions: tuple[Action, ...] = ()
    bulk_endpoint: str | None = None
    load_options: tuple[Any, ...] = ()
    # When given, the page's rows are these columns as plain named rows, not ORM objects (much
    # cheaper to load): the cells may then read only these names (no model properties).
    row_columns: tuple[Any, ...] = ()
    annotate: Callable[[list[Any]], dict[str, Any]] | None = None
    # Rendered rows kept in `row_cache` (an igny8.caching Region: get_many_or_build) under
    # `row_key(row, extra)`, which must change whenever the row's cells would: any page and sort
    # order then reuses them.
    row_cache: Any = None
    row_key: Callable[[Any, dict[str, Any]], tuple] | None = None
    # The grouped filter counts kept in `count_cache` (get_or_build) by search text.
    count_cache: Any = None
    # The ids of the matching rows in list order kept in `order_cache` (get_or_build) by search,
    # filters and sort: a page is then a slice of them, and only a page with rows missing from
    # `row_cache` loads its rows (`row_columns`, by id). Needs row_cache, row_key and
    # row_columns; `annotate` and `row_key` then see rows carrying only their `id`.
    order_cache: Any = None
    # The parts of a page that do not depend on its number (search, filters, page sizes, bulk bar,
    # table header) kept in `fragment_cache` (get_or_build) by name, role and the other
    # parameters, so paging through one query renders them once per generation.
    fragment_cache: Any = None

    # Row markup beyond the catalogue's: the <tr> id prefix, the checkbox's name, id prefix and
    # label, which rows may be ticked, and the text of an empty page.
    row_id: str = ""
    select_name: str = "ids"
    select_id: str = ""
    select_label: Callable[[Any], str] | None = None
    selectable: Callable[[Any], bool] | None = None
    empty_text: str = "Nothing to show."
    # A search of its own (text → WHERE clause or None) instead of `search_fields` word by word.
    search: Callable[[str], Any] | None = None
    # The rows' places for `place` filters: a subquery with a `places_row_id` column.
    places: Callable[[], Any] | None = None
    places_row_id: str = "row_id"

    def column(self, key: str) -> Column | None:
        """The column named `key`, if any."""
        return next((column for column in self.columns if column.key == key), None)
