"""The accounts' name search, shared by the accounts page and the JSON API's `q`."""
from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement

from igny8.admin.lists.search import phrase_or_id_clause
from igny8.models.accounts import Account, account_search_key


def account_search(text: str) -> ColumnElement[bool] | None:
    """The name holds `text` (case, accents ignored; `%`, `_` literal), or `text` is the
    id (`12` or `#12`); rows whose search key raw SQL left empty are found by their name."""
    return phrase_or_id_clause((Account.search_key, Account.name), Account.id,
                               account_search_key(text))
