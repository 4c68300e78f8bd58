"""The schema as the database has it (migration tests): reflected tables, named constraints."""
from __future__ import annotations

import sqlalchemy as sa

from igny8.extensions import db


def reflect() -> sa.MetaData:
    """The tables as the database has them now."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    return metadata


def sqlite_expression_indexes(table: str) -> set[str]:
    """Names of the table's expression indexes, which SQLAlchemy does not reflect on SQLite."""
    if db.engine.dialect.name != "sqlite":
        return set()
    query = sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t")
    with db.engine.connect() as conn:
        rows = conn.execute(query, {"t": table}).all()
    return {name for name, sql in rows if "json_extract(" in (sql or "")}


def named_objects_in_database(table: str) -> set[str]:
    """Names of the table's check, unique and foreign key constraints and indexes."""
    inspector = sa.inspect(db.engine)
    found = [
        *inspector.get_check_constraints(table),
        *inspector.get_unique_constraints(table),
        *inspector.get_foreign_keys(table),
        *(i for i in inspector.get_indexes(table) if "duplicates_constraint" not in i),
    ]
    return {item["name"] for item in found} | sqlite_expression_indexes(table)


def named_objects_in_models(table: str) -> set[str]:
    """The same names as the models and the naming convention render them on this backend."""
    preparer = db.engine.dialect.identifier_preparer
    model = db.metadata.tables[table]
    constraints = [c for c in model.constraints if not isinstance(c, sa.PrimaryKeyConstraint)]
    return {preparer.format_constraint(item) for item in [*constraints, *model.indexes]}
