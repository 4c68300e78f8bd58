"""The one list engine: declared columns, filters, search, sort and page sizes, in fixed queries.

Deliberately free of blueprints (it imports only Flask's url_for, SQLAlchemy, the db extension and
number parsing), so the HTML lists and the JSON API both use it without importing each other.
"""
from igny8.admin.lists.declare import Action, Column, Filter, ListOptions, RowLink
from igny8.admin.lists.page import ListPage, PageSlice
from igny8.admin.lists.query import (build_list_page, clamp_page, clean_args, matching_query,
                                     paginate)
from igny8.admin.lists.search import like_pattern, phrase_clause, phrase_or_id_clause, words_clause

__all__ = ["Action", "Column", "Filter", "ListOptions", "ListPage", "PageSlice", "RowLink",
           "build_list_page", "clamp_page", "clean_args", "like_pattern", "matching_query",
           "paginate", "phrase_clause", "phrase_or_id_clause", "words_clause"]
