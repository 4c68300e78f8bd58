"""services/accounts.py: names (trimmed, NFKC, unique whatever the case), rename, archive."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from igny8.errors import AccountUnavailable, ConflictError, ValidationFailed
from igny8.models import Account, AuditEntry
from igny8.services import accounts
from igny8.services.audit import CLI
from tests.factories import AccountFactory


def account_names(db) -> list[str]:
    """Every stored account name, by id."""
    db.session.expire_all()
    return list(db.session.scalars(select(Account.name).order_by(Account.id)))


def entries(db) -> list[tuple]:
    """(action, object_type, object_id, changes, actor) of every history entry, oldest first."""
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.action, e.object_type, e.object_id, e.changes, e.actor_label) for e in rows]


def test_create_stores_the_name_trimmed_and_nfkc_normalised_and_audits_it(db):
    account = accounts.create_account("  \uff21cme\u3000  Publishing ", actor=CLI)
    assert account.name == "Acme Publishing" and not account.is_archived
    assert account_names(db) == ["Acme Publishing"]
    assert entries(db) == [("create", "account", str(account.id),
                            {"name": [None, "Acme Publishing"], "archived": [None, False]},
                            "cli")]


@pytest.mark.parametrize("raw, field_message", [
    ("", "required"), ("   ", "required"), ("\u200b\u3164", "required"), (None, "must be text"),
    ("a" * 201, "at most 200 characters"), ("Acme\x07", "must not contain control characters"),
])
def test_bad_names_are_refused_naming_the_field_and_nothing_is_written(db, raw, field_message):
    with pytest.raises(ValidationFailed) as caught:
        accounts.create_account(raw)
    assert caught.value.fields == {"name": field_message}
    assert account_names(db) == [] and entries(db) == []


@pytest.mark.parametrize("clash", ["acme", "ACME", " Acme ", "\uff21\uff43\uff4d\uff45", "ａｃｍｅ"])
def test_a_name_taken_in_another_case_or_spelling_is_refused(db, clash):
    first = accounts.create_account("Acme")
    with pytest.raises(ConflictError) as caught:
        accounts.create_account(clash)
    assert caught.value.fields == {"name": f"already used (account #{first.id}, 'Acme')"}
    assert account_names(db) == ["Acme"]


def test_the_unique_index_refuses_a_clash_that_skips_the_service(db):
    accounts.create_account("Straße")
    db.session.add(Account(name="STRASSE"))  # casefold: ß -> ss
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert account_names(db) == ["Straße"]


def test_rename_checks_the_version_and_the_name_and_audits_the_change(db):
    acme, other = accounts.create_account("Acme"), accounts.create_account("Other")
    account, changes = accounts.rename_account(acme.id, "Acme Media", acme.version, CLI)
    assert changes == {"name": ["Acme", "Acme Media"]} and account.version == 2
    with pytest.raises(ConflictError) as stale:
        accounts.rename_account(acme.id, "Acme Again", expected_version=1)
    assert stale.value.fields == {"version": "stale"}
    with pytest.raises(ConflictError):
        accounts.rename_account(acme.id, "other")
    assert accounts.rename_account(acme.id, "ACME MEDIA")[1] == {
        "name": ["Acme Media", "ACME MEDIA"]}  # its own name in another case is fine
    assert account_names(db) == ["ACME MEDIA", "Other"] and other.version == 1
    assert [e[0] for e in entries(db)] == ["create", "create", "update", "update"]


def test_archive_and_unarchive_are_audited_and_idempotent(db):
    account = accounts.create_account("Acme")
    archived, changes = accounts.archive_account(account.id, actor=CLI)
    assert changes == {"archived": [False, True]} and archived.archived_at is not None
    assert accounts.archive_account(account.id)[1] == {}  # already archived: nothing written
    restored, changes = accounts.unarchive_account(account.id)
    assert changes == {"archived": [True, False]} and restored.archived_at is None
    assert [e[0] for e in entries(db)] == ["create", "archive", "unarchive"]


def test_rename_and_archive_in_one_change(db):
    account = accounts.create_account("Acme")
    _, changes = accounts.update_account(account.id, name="Acme Old", archived=True)
    assert changes == {"name": ["Acme", "Acme Old"], "archived": [False, True]}
    assert entries(db)[-1][0] == "update"


def test_changes_to_an_unknown_account_are_refused(db):
    with pytest.raises(ValidationFailed) as caught:
        accounts.archive_account(424242)
    assert caught.value.fields == {"account_id": "unknown: 424242"}
    with pytest.raises(ValidationFailed):
        accounts.update_account(1, archived="yes")
    assert entries(db) == []


def test_get_active_account_refuses_unknown_and_archived_accounts(db):
    live, gone = AccountFactory(name="Live"), AccountFactory(name="Gone")
    db.session.commit()
    accounts.archive_account(gone.id)
    assert accounts.get_active_account(live.id).name == "Live"
    with pytest.raises(AccountUnavailable) as archived:
        accounts.get_active_account(gone.id)
    assert archived.value.fields == {"account_id": f"archived account: {gone.id}"}
    assert "was archived on" in archived.value.message
    with pytest.raises(AccountUnavailable) as unknown:
        accounts.get_active_accounts([live.id, 999999], lock=False)
    assert unknown.value.message == "There is no account with id 999999."
    db.session.rollback()


def test_archived_accounts_leave_the_pickers_but_stay_listed_on_request(db):
    for name in ("Beta", "Alpha", "Gamma"):
        accounts.create_account(name)
    gamma = db.session.scalar(select(Account).where(Account.name == "Gamma"))
    accounts.archive_account(gamma.id)
    assert [a.name for a in accounts.active_accounts()] == ["Alpha", "Beta"]
    archived = accounts.with_archived(select(func.count()).select_from(Account), "archived")
    assert db.session.scalar(archived) == 1
    assert db.session.scalar(accounts.with_archived(
        select(func.count()).select_from(Account), "all")) == 3
