"""Create igny8_ai_model_config, the catalogue of AI models.

Revision ID: 0001_ai_model_config
Revises:
Create Date: 2025-12-23
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_ai_model_config"
down_revision = None
branch_labels = None
depends_on = None

TABLE = "igny8_ai_model_config"
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JsonDocument = sa.JSON().with_variant(JSONB(), "postgresql")
Price = sa.Numeric(14, 6)
PRICE_FIELDS = (
    "input_price_per_1m",
    "cached_input_price_per_1m",
    "output_price_per_1m",
    "price_per_image",
)
INDEXED = ("provider", "model_type", "is_active")


def _check(name: str, condition: str) -> sa.CheckConstraint:
    """A check constraint named as the naming convention names the model's."""
    return sa.CheckConstraint(condition, name=op.f(f"ck_{TABLE}_{name}"))


def _checks() -> list[sa.CheckConstraint]:
    """The catalogue's check constraints, as declared on AIModelConfig."""
    prices = [_check(f"{c}_nonnegative", f"{c} IS NULL OR {c} >= 0") for c in PRICE_FIELDS]
    return [
        _check("model_type_known", "model_type IN ('text', 'image')"),
        *prices,
        _check("context_positive", "context_window IS NULL OR context_window > 0"),
        _check("max_output_positive", "max_output_tokens IS NULL OR max_output_tokens > 0"),
        _check(
            "active_needs_pricing",
            "NOT is_active"
            " OR (model_type = 'text' AND input_price_per_1m IS NOT NULL"
            " AND output_price_per_1m IS NOT NULL)"
            " OR (model_type = 'image' AND price_per_image IS NOT NULL)",
        ),
    ]


def upgrade():
    """Create the catalogue table with its constraints and indexes."""
    op.create_table(
        TABLE,
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("model_type", sa.String(16), nullable=False),
        sa.Column("model_name", sa.String(100), nullable=False),
        sa.Column("display_name", sa.String(150), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *(sa.Column(name, Price, nullable=True) for name in PRICE_FIELDS),
        sa.Column("context_window", sa.Integer(), nullable=True),
        sa.Column("max_output_tokens", sa.Integer(), nullable=True),
        sa.Column("aliases", JsonDocument, nullable=False),
        sa.Column("deprecation_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("price_source", sa.String(200), nullable=False),
        sa.Column("price_checked_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("provider", "model_name", name=op.f(f"uq_{TABLE}_provider_model")),
        *_checks(),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column])


def downgrade():
    """Drop the catalogue table."""
    for column in INDEXED:
        op.drop_index(op.f(f"ix_{TABLE}_{column}"), table_name=TABLE)
    op.drop_table(TABLE)
