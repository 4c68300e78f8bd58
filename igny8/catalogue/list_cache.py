"""The catalogue list's rendered table cached per data state, CSRF token spliced in per request.

The key is the database, one state query's answer (models, account overrides, global slots),
the list's query parameters and the viewer's role; a warm request runs the user load and the
state query only. Every write to those tables goes through the ORM, which bumps `version` and
`updated_at`; inserts and deletes change the count or the highest id.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import cache
from threading import Lock

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import Select, func, select, true

from igny8.catalogue.list_query import clean_args
from igny8.catalogue.listing import ListOptions
from igny8.extensions import db
from igny8.models import AIModelConfig, GlobalIntegrationSettings, IntegrationSettings

CACHE_ENTRIES = 64  # rendered tables kept per process (~150 KB each at 100 rows)
CSRF_PLACEHOLDER = "\x00csrf-token\x00"  # NUL never reaches stored text (refused on input)


def _aggregates(table: type) -> Select:
    """Count, highest id, latest updated_at and sum of versions of one versioned table."""
    return select(func.count(), func.max(table.id), func.max(table.updated_at),
                  func.coalesce(func.sum(table.version), 0)).select_from(table)


@cache
def _state_query() -> Select:
    """Built once: the three tables' aggregates side by side in one statement."""
    parts = [_aggregates(table).subquery()
             for table in (AIModelConfig, IntegrationSettings, GlobalIntegrationSettings)]
    query = select(*(column for part in parts for column in part.c)).select_from(parts[0])
    for part in parts[1:]:
        query = query.join(part, true())
    return query


def data_state() -> tuple:
    """One query whose answer changes with every write to models, overrides or global slots."""
    return tuple(db.session.execute(_state_query()).one())


def cache_key(options: ListOptions, args: Mapping[str, str], role: str | None) -> tuple:
    """Database, data state, the list parameters it understands and the viewer's role."""
    params = tuple(sorted(clean_args(options, args).items()))
    return (db.engine.url.render_as_string(hide_password=True), data_state(), params, role)


def _without_csrf(html: str) -> str:
    """The rendered HTML with this request's CSRF token replaced by the placeholder."""
    return html.replace(generate_csrf(), CSRF_PLACEHOLDER)


class RenderedCache:
    """A small thread-safe LRU of rendered text; `scrub` strips per-request parts before storing."""

    def __init__(self, size: int = CACHE_ENTRIES,
                 scrub: Callable[[str], str] = _without_csrf) -> None:
        self.size = size
        self.scrub = scrub
        self._entries: OrderedDict[tuple, str] = OrderedDict()
        self._lock = Lock()

    def get_or_build(self, key: tuple, build: Callable[[], str]) -> str:
        """The HTML for `key`, rendered (outside the lock) and stored when missing."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        html = self.scrub(build())
        with self._lock:
            self._entries[key] = html
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return html

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """How many rendered tables are held."""
        return len(self._entries)


LIST_CACHE = RenderedCache()


def cached_list(options: ListOptions, args: Mapping[str, str], role: str | None,
                render: Callable[[], str]) -> Markup:
    """The list's HTML for this data state and request, with this request's CSRF token."""
    html = LIST_CACHE.get_or_build(cache_key(options, args, role), render)
    return Markup(html.replace(CSRF_PLACEHOLDER, generate_csrf()))
