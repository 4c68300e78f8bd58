"""The catalogue list's rendered table, cached in the `catalogue_list` region of igny8.caching.

The key is the list's query parameters and the viewer's role (the region adds the database and
the generation); a warm request runs the user load and the generation read only. The table holds
per-row forms with this request's CSRF token: it is stored with a placeholder and the token is
put back per request (to be deleted once the row actions post one form outside the table).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from igny8 import caching
from igny8.admin.lists import ListOptions, clean_args

LIST_CACHE = caching.region("catalogue_list", 64)  # ~150 KB per table of 100 rows
CSRF_PLACEHOLDER = "\x00csrf-token\x00"  # NUL never reaches stored text (refused on input)


def cache_key(options: ListOptions, args: Mapping[str, str], role: str | None) -> tuple:
    """The list parameters it understands and the viewer's role."""
    return (tuple(sorted(clean_args(options, args).items())), role)


def cached_list(options: ListOptions, args: Mapping[str, str], role: str | None,
                render: Callable[[], str]) -> Markup:
    """The list's HTML for this data state and request, with this request's CSRF token."""
    token = generate_csrf()
    html = LIST_CACHE.get_or_build(cache_key(options, args, role),
                                   lambda: render().replace(token, CSRF_PLACEHOLDER))
    return Markup(html.replace(CSRF_PLACEHOLDER, token))
