"""The catalogue list's rendered table, cached in the `catalogue_list` region of igny8.caching.

The key is the list's query parameters and the viewer's role (the region adds the database and
the generation); a warm request runs the user load and the generation read only. The table holds
no CSRF token: its buttons post one form rendered per request outside it (macros/lists.html).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from markupsafe import Markup

from igny8 import caching, lifecycle
from igny8.admin.lists import ListOptions, clean_args

LIST_CACHE = caching.region("catalogue_list", 64)  # ~150 KB per table of 100 rows


def cache_key(options: ListOptions, args: Mapping[str, str], role: str | None) -> tuple:
    """The list parameters it understands, the viewer's role and today (states change at
    midnight with no write)."""
    return (tuple(sorted(clean_args(options, args).items())), role, lifecycle.today())


def cached_list(options: ListOptions, args: Mapping[str, str], role: str | None,
                render: Callable[[], str]) -> Markup:
    """The list's HTML for this data state and request (its form is rendered per request)."""
    return Markup(LIST_CACHE.get_or_build(cache_key(options, args, role), render))
