"""Price history and the usage ledger: price versions, usage, rollups, re-costing runs.

Also an archived flag on accounts.

Revision ID: 0015_prices_usage
Revises: 0014_lifecycle_successor
Create Date: 2026-12-02

Every model with a price gets one version carrying its current prices, in force since
HISTORY_START (the catalogue did not know when a price began, so usage of any date finds it),
credited to "migration". AIModelConfig keeps its price columns as the price in force now (the
one commit path keeps them in sync). The price versions table joins the tables whose writes
bump the cache generation (a scheduled price change shows in the list). Costs are BIGINT
pico-dollars (igny8/models/base.py PicoUSD): exact sums on both databases.
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from igny8 import cache_generation

revision = "0015_prices_usage"
down_revision = "0014_lifecycle_successor"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PICO_USD = sa.BigInteger()
MODELS = "igny8_ai_model_config"
VERSIONS = "igny8_model_price_versions"
PRICES = ("input_price_per_1m", "cached_input_price_per_1m", "output_price_per_1m",
          "price_per_image")
HISTORY_START = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _backfill_versions():
    """One version per model with any price: its current prices, source and checked-on date."""
    bind = op.get_bind()
    models = sa.table(MODELS, sa.column("id", ID), sa.column("price_source", sa.String),
                      sa.column("price_checked_on", sa.Date),
                      *(sa.column(name, sa.Numeric(14, 6)) for name in PRICES))
    versions = sa.table(VERSIONS, sa.column("model_id", ID),
                        sa.column("effective_from", sa.DateTime(timezone=True)),
                        sa.column("source", sa.String), sa.column("checked_on", sa.Date),
                        sa.column("created_by", sa.String),
                        sa.column("created_at", sa.DateTime(timezone=True)),
                        sa.column("updated_at", sa.DateTime(timezone=True)),
                        *(sa.column(name, sa.Numeric(14, 6)) for name in PRICES))
    priced = sa.or_(*(models.c[name].isnot(None) for name in PRICES))
    now = datetime.now(timezone.utc)
    rows = [{"model_id": row.id, "effective_from": HISTORY_START, "source": row.price_source or "",
             "checked_on": row.price_checked_on, "created_by": "migration", "created_at": now,
             "updated_at": now, **{name: getattr(row, name) for name in PRICES}}
            for row in bind.execute(sa.select(models).where(priced).order_by(models.c.id))]
    if rows:
        bind.execute(versions.insert(), rows)


def _drop_trigger():
    """Drop the cache trigger(s) 0015 added on the price versions table (not the function)."""
    dialect = op.get_bind().dialect.name
    statements = cache_generation.drop_sql(dialect, (VERSIONS,))
    for statement in statements[:-1] if dialect == "postgresql" else statements:
        op.execute(statement)


def upgrade():
    """The tables, the archived flag, one price version per priced model, the cache trigger."""
    op.create_table('igny8_model_price_versions',
    sa.Column('id', ID, nullable=False),
    sa.Column('model_id', ID, nullable=False),
    sa.Column('effective_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('input_price_per_1m', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('cached_input_price_per_1m', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('output_price_per_1m', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('price_per_image', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('tier_threshold_tokens', sa.Integer(), nullable=True),
    sa.Column('tier_input_price_per_1m', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('tier_cached_input_price_per_1m', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('tier_output_price_per_1m', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cached_input_price_per_1m IS NULL OR cached_input_price_per_1m >= 0', name=op.f('ck_igny8_model_price_versions_cached_input_nonnegative')),
    sa.CheckConstraint('input_price_per_1m IS NULL OR input_price_per_1m >= 0', name=op.f('ck_igny8_model_price_versions_input_nonnegative')),
    sa.CheckConstraint('output_price_per_1m IS NULL OR output_price_per_1m >= 0', name=op.f('ck_igny8_model_price_versions_output_nonnegative')),
    sa.CheckConstraint('price_per_image IS NULL OR price_per_image >= 0', name=op.f('ck_igny8_model_price_versions_image_nonnegative')),
    sa.CheckConstraint('tier_cached_input_price_per_1m IS NULL OR tier_cached_input_price_per_1m >= 0', name=op.f('ck_igny8_model_price_versions_tier_cached_input_nonnegative')),
    sa.CheckConstraint('tier_input_price_per_1m IS NULL OR tier_input_price_per_1m >= 0', name=op.f('ck_igny8_model_price_versions_tier_input_nonnegative')),
    sa.CheckConstraint('tier_output_price_per_1m IS NULL OR tier_output_price_per_1m >= 0', name=op.f('ck_igny8_model_price_versions_tier_output_nonnegative')),
    sa.CheckConstraint('tier_threshold_tokens IS NULL OR tier_threshold_tokens > 0', name=op.f('ck_igny8_model_price_versions_tier_threshold_positive')),
    sa.ForeignKeyConstraint(['model_id'], ['igny8_ai_model_config.id'], name=op.f('fk_igny8_model_price_versions_model_id_igny8_ai_model_config'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_igny8_model_price_versions')),
    sa.UniqueConstraint('model_id', 'effective_from', name='uq_igny8_model_price_versions_model_effective'),
    sqlite_autoincrement=True
    )
    op.create_table('igny8_recost_runs',
    sa.Column('id', ID, nullable=False),
    sa.Column('model_id', ID, nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('price_change', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('records_total', ID, nullable=False),
    sa.Column('records_done', ID, nullable=False),
    sa.Column('records_changed', ID, nullable=False),
    sa.Column('total_before', PICO_USD, nullable=False),
    sa.Column('total_after', PICO_USD, nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('previewed', 'queued', 'running', 'done', 'failed')", name=op.f('ck_igny8_recost_runs_status_known')),
    sa.ForeignKeyConstraint(['model_id'], ['igny8_ai_model_config.id'], name=op.f('fk_igny8_recost_runs_model_id_igny8_ai_model_config'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_igny8_recost_runs')),
    sqlite_autoincrement=True
    )
    op.create_table('igny8_usage_daily',
    sa.Column('account_id', ID, nullable=False),
    sa.Column('model_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('records', ID, nullable=False),
    sa.Column('input_tokens', ID, nullable=False),
    sa.Column('cached_input_tokens', ID, nullable=False),
    sa.Column('output_tokens', ID, nullable=False),
    sa.Column('images', ID, nullable=False),
    sa.Column('max_input_tokens', ID, nullable=False),
    sa.Column('cost', PICO_USD, nullable=False),
    sa.CheckConstraint('cached_input_tokens >= 0', name=op.f('ck_igny8_usage_daily_cached_input_tokens_nonnegative')),
    sa.CheckConstraint('images >= 0', name=op.f('ck_igny8_usage_daily_images_nonnegative')),
    sa.CheckConstraint('input_tokens >= 0', name=op.f('ck_igny8_usage_daily_input_tokens_nonnegative')),
    sa.CheckConstraint('output_tokens >= 0', name=op.f('ck_igny8_usage_daily_output_tokens_nonnegative')),
    sa.ForeignKeyConstraint(['account_id'], ['igny8_accounts.id'], name=op.f('fk_igny8_usage_daily_account_id_igny8_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['model_id'], ['igny8_ai_model_config.id'], name=op.f('fk_igny8_usage_daily_model_id_igny8_ai_model_config'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('account_id', 'model_id', 'day', name=op.f('pk_igny8_usage_daily'))
    )
    with op.batch_alter_table('igny8_usage_daily', schema=None) as batch_op:
        batch_op.create_index('ix_igny8_usage_daily_day', ['day'], unique=False)
        batch_op.create_index('ix_igny8_usage_daily_model_day', ['model_id', 'day'], unique=False)

    op.create_table('igny8_usage_records',
    sa.Column('id', ID, nullable=False),
    sa.Column('request_id', sa.String(length=200), nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('model_id', ID, nullable=False),
    sa.Column('slot', sa.String(length=32), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('input_tokens', ID, nullable=False),
    sa.Column('cached_input_tokens', ID, nullable=False),
    sa.Column('output_tokens', ID, nullable=False),
    sa.Column('images', ID, nullable=False),
    sa.Column('cost', PICO_USD, nullable=False),
    sa.Column('price_version_id', ID, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recost_run_id', ID, nullable=True),
    sa.CheckConstraint('cached_input_tokens <= input_tokens', name=op.f('ck_igny8_usage_records_cached_within_input')),
    sa.CheckConstraint('cached_input_tokens >= 0', name=op.f('ck_igny8_usage_records_cached_input_tokens_nonnegative')),
    sa.CheckConstraint('images >= 0', name=op.f('ck_igny8_usage_records_images_nonnegative')),
    sa.CheckConstraint('input_tokens >= 0', name=op.f('ck_igny8_usage_records_input_tokens_nonnegative')),
    sa.CheckConstraint('output_tokens >= 0', name=op.f('ck_igny8_usage_records_output_tokens_nonnegative')),
    sa.ForeignKeyConstraint(['account_id'], ['igny8_accounts.id'], name=op.f('fk_igny8_usage_records_account_id_igny8_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['model_id'], ['igny8_ai_model_config.id'], name=op.f('fk_igny8_usage_records_model_id_igny8_ai_model_config'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['price_version_id'], ['igny8_model_price_versions.id'], name='fk_igny8_usage_records_price_version', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recost_run_id'], ['igny8_recost_runs.id'], name=op.f('fk_igny8_usage_records_recost_run_id_igny8_recost_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_igny8_usage_records')),
    sa.UniqueConstraint('request_id', name=op.f('uq_igny8_usage_records_request_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('igny8_usage_records', schema=None) as batch_op:
        batch_op.create_index('ix_igny8_usage_records_account_occurred', ['account_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_igny8_usage_records_model_occurred', ['model_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_igny8_usage_records_price_version', ['price_version_id'], unique=False)

    with op.batch_alter_table('igny8_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
    _backfill_versions()
    # MODELS too: a database migrated by 0014 before it restored them has none on SQLite.
    cache_generation.install(op.get_bind(), (VERSIONS, MODELS))


def downgrade():
    """Drop them (the models keep their current prices in their own columns)."""
    _drop_trigger()
    with op.batch_alter_table('igny8_usage_records', schema=None) as batch_op:
        batch_op.drop_index('ix_igny8_usage_records_price_version')
        batch_op.drop_index('ix_igny8_usage_records_model_occurred')
        batch_op.drop_index('ix_igny8_usage_records_account_occurred')

    op.drop_table('igny8_usage_records')
    with op.batch_alter_table('igny8_usage_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_igny8_usage_daily_model_day')
        batch_op.drop_index('ix_igny8_usage_daily_day')

    op.drop_table('igny8_usage_daily')
    op.drop_table('igny8_recost_runs')
    op.drop_table('igny8_model_price_versions')
    with op.batch_alter_table('igny8_accounts', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    # SQLite copies the table to drop a column, and its triggers go with the old copy.
    cache_generation.install(op.get_bind(), ("igny8_accounts",))
