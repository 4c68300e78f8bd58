"""Legacy model names → AIModelConfig ids, shared by migration revisions 0005 and 0006.

SQLAlchemy Core only: a revision must keep working when the models in igny8.models change.
A name is matched within its slot (provider and type): exact `model_name`, then `aliases`,
then LEGACY_IDENTIFIERS. A name that matches nothing is never dropped: it gets an
inactive catalogue row (origin 'migration', no pricing) and the setting points at it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import context
from sqlalchemy.dialects.postgresql import JSONB

JsonDocument = sa.JSON().with_variant(JSONB(), "postgresql")
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NAME_LENGTH = 100  # igny8_ai_model_config.model_name is VARCHAR(100)

# Identifiers of the legacy choice lists whose catalogue entry has another model_name.
LEGACY_IDENTIFIERS = {
    "runware:97@1": "runware-flux-1.1-pro",
    "runware:100@1": "runware-flux-1-schnell",
    "runware:101@1": "runware-flux-1-dev",
}


@dataclass(frozen=True)
class LegacySlot:
    """A legacy string setting and the catalogue rows that may fill it."""

    name: str  # the legacy key / column, e.g. "openai_model"
    provider: str
    model_type: str

    @property
    def id_key(self) -> str:
        """The id key / column that replaces the string."""
        return f"{self.name}_id"


LEGACY_SLOTS = (
    LegacySlot("openai_model", "openai", "text"),
    LegacySlot("dalle_model", "openai", "image"),
    LegacySlot("runware_model", "runware", "image"),
)

catalogue = sa.Table(
    "igny8_ai_model_config",
    sa.MetaData(),
    sa.Column("id", BigIntId, primary_key=True),
    sa.Column("provider", sa.String(32)),
    sa.Column("model_type", sa.String(16)),
    sa.Column("model_name", sa.String(100)),
    sa.Column("display_name", sa.String(150)),
    sa.Column("is_active", sa.Boolean),
    sa.Column("aliases", JsonDocument),
    sa.Column("notes", sa.Text),
    sa.Column("origin", sa.String(16)),
    sa.Column("price_source", sa.String(200)),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
)


@dataclass(frozen=True)
class NewModel:
    """An inactive catalogue row to create for legacy names nothing matched."""

    model_name: str
    legacy_names: tuple[str, ...]


def require_online(revision: str) -> None:
    """Refuse offline (--sql) mode: the conversion must read the data it converts."""
    if context.is_offline_mode():
        raise RuntimeError(
            f"revision {revision} converts the data it reads, so it cannot be rendered as"
            " an SQL script: run `flask db upgrade` / `downgrade` against the database"
        )


def known_names(conn: sa.Connection, slot: LegacySlot) -> dict[str, int]:
    """Every name (model_name, then alias) of the slot's rows → id; model_name wins."""
    rows = conn.execute(
        sa.select(catalogue.c.id, catalogue.c.model_name, catalogue.c.aliases)
        .where(catalogue.c.provider == slot.provider, catalogue.c.model_type == slot.model_type)
        .order_by(catalogue.c.id.desc())
    ).all()
    names: dict[str, int] = {}
    for row in rows:  # lowest id last, so it wins a shared alias
        names.update({alias: row.id for alias in row.aliases or [] if isinstance(alias, str)})
    names.update({row.model_name: row.id for row in rows})
    return names


def match(names: dict[str, int], legacy_name: str) -> int | None:
    """The id for a legacy name: exact name or alias, else its canonical name, else None."""
    if legacy_name in names:
        return names[legacy_name]
    canonical = LEGACY_IDENTIFIERS.get(legacy_name)
    return names.get(canonical) if canonical else None


def free_name(canonical: str, taken: set[str], model_type: str) -> str:
    """`canonical` cut to fit model_name, with a -<type>[-n] suffix if the provider uses it."""
    candidate, number = canonical[:NAME_LENGTH], 1
    while candidate in taken:
        suffix = model_type if number == 1 else f"{model_type}-{number}"
        candidate = f"{canonical[:NAME_LENGTH - len(suffix) - 1]}-{suffix}"
        number += 1
    return candidate


def plan_new_models(unmatched: Iterable[str], taken: set[str], slot: LegacySlot) -> list[NewModel]:
    """One row per canonical name; legacy names that differ from it become aliases."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for legacy_name in sorted(unmatched):
        grouped[LEGACY_IDENTIFIERS.get(legacy_name, legacy_name)].append(legacy_name)
    planned = []
    for canonical, legacy_names in grouped.items():
        model_name = free_name(canonical, taken, slot.model_type)
        taken.add(model_name)
        planned.append(NewModel(model_name, tuple(legacy_names)))
    return planned


def _new_row(new: NewModel, slot: LegacySlot, source: str, now: datetime) -> dict:
    """Column values of an inactive catalogue row created for legacy names."""
    quoted = ", ".join(repr(name) for name in new.legacy_names)
    return {
        "provider": slot.provider,
        "model_type": slot.model_type,
        "model_name": new.model_name,
        "display_name": new.model_name,
        "is_active": False,
        "aliases": [name for name in new.legacy_names if name != new.model_name],
        "notes": (
            f"Created by migration {source} from the legacy {slot.name} value {quoted},"
            " which matched no catalogue model. It has no pricing: add pricing and activate"
            " it, or point the settings that use it at another model."
        ),
        "origin": "migration",
        "price_source": "",
        "created_at": now,
        "updated_at": now,
    }


def create_inactive_models(
    conn: sa.Connection, slot: LegacySlot, unmatched: set[str], source: str
) -> dict[str, int]:
    """Insert inactive rows for unmatched names; return legacy name → new id."""
    taken = set(
        conn.scalars(
            sa.select(catalogue.c.model_name).where(catalogue.c.provider == slot.provider)
        )
    )
    planned = plan_new_models(unmatched, taken, slot)
    now = datetime.now(timezone.utc)
    conn.execute(catalogue.insert(), [_new_row(new, slot, source, now) for new in planned])
    ids = dict(
        conn.execute(
            sa.select(catalogue.c.model_name, catalogue.c.id).where(
                catalogue.c.provider == slot.provider,
                catalogue.c.model_name.in_([new.model_name for new in planned]),
            )
        ).all()
    )
    report_created(planned, ids, slot)
    return {name: ids[new.model_name] for new in planned for name in new.legacy_names}


def report_created(planned: list[NewModel], ids: dict[str, int], slot: LegacySlot) -> None:
    """Print one line per catalogue row the migration created."""
    for new in planned:
        print(
            f"✓ Created inactive AIModelConfig ID {ids[new.model_name]}"
            f" ({slot.provider}/{slot.model_type} {new.model_name}, origin=migration)"
            f" for {slot.name}: {', '.join(new.legacy_names)}"
        )


def resolve_names(
    conn: sa.Connection, slot: LegacySlot, legacy_names: Iterable[str], source: str
) -> dict[str, int]:
    """Map each legacy name of a slot to a catalogue id, creating inactive rows as needed."""
    names = known_names(conn, slot)
    wanted = set(legacy_names)
    mapping = {name: match(names, name) for name in wanted}
    unmatched = {name for name, model_id in mapping.items() if model_id is None}
    if unmatched:
        mapping.update(create_inactive_models(conn, slot, unmatched, source))
    for name in sorted(mapping):
        print(f"✓ Mapped {slot.name}: {name} → AIModelConfig ID {mapping[name]}")
    return mapping


def model_names_by_id(conn: sa.Connection) -> dict[int, str]:
    """Every catalogue id → model_name, for downgrades back to strings."""
    return dict(conn.execute(sa.select(catalogue.c.id, catalogue.c.model_name)).all())
