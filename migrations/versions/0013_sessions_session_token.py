"""A per-user session token: sign-out, deactivation, password and role changes end old cookies.

Revision ID: 0013_sessions_session_token
Revises: 0012_invariants_catalogue_ids
Create Date: 2026-12-01

Existing users get a random token each, so every cookie issued before this revision (which
named the user by id alone) is refused and its holder signs in again.
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013_sessions_session_token"
down_revision = "0012_invariants_catalogue_ids"
branch_labels = None
depends_on = None

USERS = "igny8_users"


def upgrade():
    """Add `session_token`, fill it with one random token per user, then make it required."""
    with op.batch_alter_table(USERS) as batch:
        batch.add_column(sa.Column("session_token", sa.String(64), nullable=True))
    users = sa.table(USERS, sa.column("id", sa.BigInteger), sa.column("session_token", sa.String))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.select(users.c.id)).all():
        bind.execute(users.update().where(users.c.id == user_id)
                     .values(session_token=secrets.token_urlsafe(24)))
    with op.batch_alter_table(USERS) as batch:
        batch.alter_column("session_token", existing_type=sa.String(64), nullable=False)


def downgrade():
    """Drop the token (cookies then name users by id alone, as before)."""
    with op.batch_alter_table(USERS) as batch:
        batch.drop_column("session_token")
