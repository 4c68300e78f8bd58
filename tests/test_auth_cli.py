"""`flask users create` and `flask users ensure-admin`."""
from __future__ import annotations

from sqlalchemy import select

from igny8.models import AuditEntry, User
from tests.factories import TEST_PASSWORD, UserFactory


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


def test_set_password_from_stdin_is_audited_and_ends_sessions(app, db):
    user = UserFactory(email="ops@example.com", role="support")
    db.session.commit()
    token = user.session_token
    result = run(app, "set-password", "OPS@example.com", "--password-stdin",
                 input="quiet lantern orbit\n")
    assert result.exit_code == 0, result.output
    assert "New password set for ops@example.com" in result.output
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.check_password("quiet lantern orbit") and user.session_token != token
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_label) == ("reset_password", "cli")
    assert "quiet" not in str(entry.changes)


def test_set_password_refuses_weak_passwords_and_unknown_users(app, db):
    user = UserFactory(email="ops@example.com")
    db.session.commit()
    weak = run(app, "set-password", "ops@example.com", "--password-stdin", input="aaaaaaaaaa\n")
    assert weak.exit_code == 1 and "password is too easy to guess" in weak.output
    short = run(app, "set-password", "ops@example.com", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    unknown = run(app, "set-password", "nobody@example.com", "--password-stdin",
                  input="quiet lantern orbit\n")
    assert unknown.exit_code == 1 and "No user has the email nobody@example.com." in unknown.output
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(TEST_PASSWORD)
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_set_role_changes_the_role_and_keeps_the_last_admin(app, db):
    UserFactory(email="boss@example.com", role="admin")
    UserFactory(email="ops@example.com", role="support")
    db.session.commit()
    promoted = run(app, "set-role", "ops@example.com", "--role", "admin")
    assert promoted.exit_code == 0 and "ops@example.com is now admin" in promoted.output
    again = run(app, "set-role", "ops@example.com", "--role", "admin")
    assert "ops@example.com already is admin; nothing changed." in again.output
    assert run(app, "set-role", "boss@example.com", "--role", "support").exit_code == 0
    last = run(app, "set-role", "ops@example.com", "--role", "support")
    assert last.exit_code == 1
    assert "ops@example.com is the last active admin; create another admin first." in last.output
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles == {"boss@example.com": "support", "ops@example.com": "admin"}
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.object_repr, e.changes) for e in entries] == [
        ("change_role", "ops@example.com", {"role": ["support", "admin"]}),
        ("change_role", "boss@example.com", {"role": ["admin", "support"]}),
    ]


def test_ensure_admin_reactivates_the_default_admin_with_a_new_password(app, db):
    old = UserFactory(email="admin@igny8.local", role="admin", is_active=False)
    UserFactory(role="admin", is_active=False)
    db.session.commit()
    token = old.session_token
    result = run(app, "ensure-admin")
    assert result.exit_code == 0, result.output
    assert "Reactivated admin admin@igny8.local with password: " in result.output
    password = result.output.split("password: ", 1)[1].split()[0]
    db.session.expire_all()
    admin = db.session.get(User, old.id)
    assert admin.is_active and admin.is_admin and admin.check_password(password)
    assert admin.session_token != token
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_label) == ("recover_admin", "cli")
    assert entry.changes == {"is_active": [False, True], "password": ["(hidden)", "(changed)"]}
    assert run(app, "ensure-admin").output == "An active admin exists; nothing changed.\n"


def test_ensure_admin_promotes_a_default_admin_demoted_to_support(app, db):
    UserFactory(email="admin@igny8.local", role="support")
    db.session.commit()
    assert "Reactivated admin admin@igny8.local" in run(app, "ensure-admin").output
    assert db.session.scalar(select(User.role).where(User.email == "admin@igny8.local")) == "admin"
