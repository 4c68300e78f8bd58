"""`flask users create` and `flask users ensure-admin`."""
from __future__ import annotations

from sqlalchemy import select

from igny8.models import AuditEntry, User
from tests.factories import UserFactory


def run(app, *args, input=None):
    """Invoke a `flask users` command against the test app."""
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def test_create_with_password_from_stdin(app, db):
    result = run(app, "create", "Ops@Example.com", "--role", "support", "--password-stdin",
                 input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert "Created support ops@example.com" in result.output
    user = db.session.scalar(select(User).where(User.email == "ops@example.com"))
    assert user.role == "support" and user.is_active and user.check_password("a long enough secret")
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_label) == (
        "create", "user", str(user.id), "cli")
    assert entry.changes == {"email": [None, "ops@example.com"], "role": [None, "support"],
                             "is_active": [None, True]}
    assert "secret" not in str(entry.changes)


def test_create_prompts_twice_and_refuses_a_mismatch(app, db):
    result = run(app, "create", "a@example.com", "--role", "admin",
                 input="first password!\nsecond password\nfirst password!\nfirst password!\n")
    assert result.exit_code == 0, result.output
    assert "Error: The two entered values do not match." in result.output
    assert db.session.scalar(select(User.role).where(User.email == "a@example.com")) == "admin"


def test_create_refuses_bad_input_naming_the_field(app, db):
    UserFactory(email="taken@example.com")
    db.session.commit()
    cases = [
        (("taken@example.com", "--role", "admin"), "email taken@example.com is already used"),
        (("not-an-email", "--role", "admin"), "email 'not-an-email' is not a valid address"),
        (("short@example.com", "--role", "admin"), "password must have at least 10 characters"),
    ]
    for args, message in cases:
        password = "short\n" if "short" in args[0] else "long enough pw\n"
        result = run(app, "create", *args, "--password-stdin", input=password)
        assert result.exit_code == 1 and message in result.output
    assert run(app, "create", "x@example.com", "--role", "root",
               "--password-stdin", input="long enough pw\n").exit_code == 2
    assert db.session.scalar(select(User.email).where(User.email != "taken@example.com")) is None
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_ensure_admin_prints_the_password_once(app, db):
    first = run(app, "ensure-admin")
    assert first.exit_code == 0
    assert "Created admin admin@igny8.local with password: " in first.output
    password = first.output.split("password: ", 1)[1].split()[0]
    admin = db.session.scalar(select(User).where(User.email == "admin@igny8.local"))
    assert admin.is_admin and admin.check_password(password) and len(password) >= 20

    second = run(app, "ensure-admin")
    assert second.exit_code == 0
    assert second.output == "An active admin exists; nothing changed.\n"
    assert db.session.scalar(select(User.id).where(User.id != admin.id)) is None


def test_ensure_admin_creates_one_when_only_support_users_exist(app, db):
    UserFactory(role="support")
    UserFactory(role="admin", is_active=False)
    db.session.commit()
    assert "Created admin admin@igny8.local" in run(app, "ensure-admin").output
