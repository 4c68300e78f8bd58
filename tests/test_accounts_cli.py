"""`flask accounts create|list|rename|archive|unarchive`."""
from __future__ import annotations

from sqlalchemy import select

from igny8.models import Account, AuditEntry
from tests.helpers.rows import stored_accounts


def run(app, *args):
    """Invoke a `flask accounts` command against the test app."""
    return app.test_cli_runner().invoke(args=["accounts", *args])


def test_create_list_rename_archive_unarchive(app, db):
    result = run(app, "create", "  Acme Publishing ")
    assert result.exit_code == 0, result.output
    account_id = db.session.scalar(select(Account.id))
    assert result.output == f"Created account Acme Publishing (id {account_id}).\n"
    assert run(app, "create", "Blue Fern").exit_code == 0
    assert run(app, "rename", str(account_id), "Acme Media").output == (
        f"Account {account_id} is now Acme Media (active).\n")
    archived = run(app, "archive", str(account_id))
    assert archived.exit_code == 0 and "(archived " in archived.output
    listed = run(app, "list").output
    assert "Blue Fern  (active)" in listed and "Acme Media" not in listed
    assert "Acme Media  (archived" in run(app, "list", "--archived").output
    assert "Blue Fern" not in run(app, "list", "--archived").output
    assert "Acme Media" in run(app, "list", "--all").output
    assert run(app, "unarchive", str(account_id)).exit_code == 0
    assert stored_accounts(db) == [("Acme Media", False), ("Blue Fern", False)]
    actors = {e.actor_label for e in db.session.scalars(select(AuditEntry))}
    assert actors == {"cli"}


def test_refusals_exit_non_zero_with_the_message_and_write_nothing(app, db):
    assert run(app, "create", "Acme").exit_code == 0
    taken = run(app, "create", "ACME")
    assert taken.exit_code == 1 and "An account named 'ACME' already exists" in taken.output
    blank = run(app, "create", "   ")
    assert blank.exit_code == 1 and "The account name is required." in blank.output
    unknown = run(app, "archive", "99999")
    assert unknown.exit_code == 1 and "There is no account with id 99999." in unknown.output
    assert stored_accounts(db) == [("Acme", False)]
    assert len(db.session.scalars(select(AuditEntry)).all()) == 1


def test_archiving_twice_says_nothing_changed(app, db):
    run(app, "create", "Acme")
    account_id = db.session.scalar(select(Account.id))
    run(app, "archive", str(account_id))
    again = run(app, "archive", str(account_id))
    assert again.exit_code == 0 and again.output.startswith("Nothing changed: account Acme")
    assert run(app, "list").output == "No accounts match.\n"
