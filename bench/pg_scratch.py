"""A throwaway PostgreSQL database for the benchmarks, created and dropped around a run."""
from __future__ import annotations

import uuid
from contextlib import contextmanager

import psycopg

from igny8.config import normalise_database_url

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def throwaway_database(admin_url: str):
    """Create a uniquely named database (AUTOCOMMIT), yield its URL, drop it afterwards."""
    name = f"igny8_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield normalise_database_url(admin_url.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
