"""Account names: creates and renames that would share a name, fired together over real HTTP.

Rule: two accounts never share a name, whatever its case or Unicode spelling. One request
wins; the others get 409 naming the name, never a 5xx, and the table never holds two accounts
with the same key.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from igny8.models import Account
from igny8.models.accounts import account_name_key

ROUNDS = 20
REQUESTS = 12


def spellings(base: str) -> list[str]:
    """`REQUESTS` spellings of one name: cases, spaces, full-width letters."""
    forms = [base, base.upper(), base.lower(), f"  {base} ", base.swapcase(),
             "".join(chr(ord(c) + 0xFEE0) if c.isalnum() and c.isascii() else c for c in base)]
    return [forms[i % len(forms)] for i in range(REQUESTS)]


def clashes(db) -> list[str]:
    """Keys held by more than one account (computed anew from the stored names)."""
    db.session.expire_all()
    keys = Counter(account_name_key(name) for name in db.session.scalars(select(Account.name)))
    return [key for key, count in keys.items() if count > 1]


def check_one_winner(answers, winning: int, name_key: str) -> None:
    """Exactly one `winning` status, every other a 409 naming the name, no 5xx."""
    statuses = [answer.status for answer in answers]
    assert all(status < 500 for status in statuses), [a.text for a in answers]
    assert statuses.count(winning) == 1 and set(statuses) == {winning, 409}, statuses
    for loser in (a for a in answers if a.status == 409):
        assert name_key in account_name_key(loser.body["error"]["message"]), loser.body


def test_parallel_creates_of_one_name_in_many_spellings_store_it_once(api, store, fire):
    for number in range(ROUNDS):
        base = f"Race Account {number}"
        answers = fire(*[lambda n=name: api.request("POST", "/api/v1/accounts", {"name": n})
                         for name in spellings(base)])
        check_one_winner(answers, 201, account_name_key(base))
        assert clashes(store) == []


def test_parallel_renames_onto_one_name_give_it_to_one_account(api, store, fire):
    for number in range(ROUNDS):
        ids = [api.request("POST", "/api/v1/accounts", {"name": f"R{number}-{i}"}).body["id"]
               for i in range(REQUESTS)]
        target = f"Renamed {number}"
        answers = fire(*[lambda i=i, n=n: api.request("PATCH", f"/api/v1/accounts/{i}",
                                                      {"name": n})
                         for i, n in zip(ids, spellings(target))])
        check_one_winner(answers, 200, account_name_key(target))
        assert clashes(store) == []
