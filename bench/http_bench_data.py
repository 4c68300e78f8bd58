"""Data for the HTTP benchmark: 1,000 catalogue models, the global row and 10,000 accounts.

Names and prices come from LiteLLM's cost map when /work/shared/data holds it (never committed),
else they are synthetic; either way ~650 models are active OpenAI text models, so the OpenAI text
dropdown of the global settings form has ~650 options.
"""
from __future__ import annotations

import json
import random
import tempfile
import uuid
from argparse import Namespace
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import psycopg
from sqlalchemy import MetaData, create_engine, insert, inspect

from igny8.config import normalise_database_url
from igny8.extensions import db
from igny8.models import Account, AIModelConfig, GlobalIntegrationSettings, IntegrationSettings

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
COST_MAP = Path("/work/shared/data/litellm-model-prices-1.110.2.json")
SOURCE = "LiteLLM cost map 1.110.2"
MILLION = Decimal(1_000_000)
SIX_PLACES = Decimal("0.000001")
# (provider, type, active) -> how many rows; 1,000 in all.
SHAPE = {
    ("openai", "text", True): 650, ("openai", "text", False): 50,
    ("anthropic", "text", True): 80, ("anthropic", "text", False): 20,
    ("openai", "image", True): 40, ("openai", "image", False): 10,
    ("runware", "image", True): 120, ("runware", "image", False): 30,
}
FINE_TUNE_ORGS = ("acme", "northwind", "globex", "initech", "umbrella", "hooli", "stark")
FINE_TUNE_JOBS = ("support", "seo-writer", "summaries", "product-copy", "translations", "tone")


def load_cost_map() -> dict[str, dict]:
    """LiteLLM's entries when the file is present, else an empty map."""
    if not COST_MAP.exists():
        return {}
    return {k: v for k, v in json.loads(COST_MAP.read_text()).items() if isinstance(v, dict)}


def per_million(cost: float | None, scale: Decimal = MILLION) -> Decimal | None:
    """A per-token cost as a Decimal price per 1M tokens (or per `scale` units)."""
    if cost is None:
        return None
    return (Decimal(str(cost)) * scale).quantize(SIX_PLACES)


def text_row(provider: str, name: str, entry: dict) -> dict:
    """A text model row from a cost-map entry (missing prices get plausible ones)."""
    return {
        "provider": provider, "model_type": "text", "model_name": name[:100],
        "display_name": name.split("/")[-1].replace("-", " ").title()[:150],
        "input_price_per_1m": per_million(entry.get("input_cost_per_token")) or Decimal("0.5"),
        "cached_input_price_per_1m": per_million(entry.get("cache_read_input_token_cost")),
        "output_price_per_1m": per_million(entry.get("output_cost_per_token")) or Decimal("1.5"),
        "context_window": entry.get("max_input_tokens") or 128_000,
        "max_output_tokens": entry.get("max_output_tokens") or 4_096,
        "aliases": [], "origin": "manual", "price_source": SOURCE if entry else "",
    }


def image_row(provider: str, name: str, entry: dict) -> dict:
    """An image model row; the price is per image (or per 1024x1024 pixels)."""
    price = entry.get("output_cost_per_image")
    if price is None and entry.get("input_cost_per_pixel") is not None:
        price = entry["input_cost_per_pixel"] * 1024 * 1024
    return {
        "provider": provider, "model_type": "image", "model_name": name[:100],
        "display_name": name.split("/")[-1].replace("-", " ").title()[:150],
        "price_per_image": per_million(price or 0.04, Decimal(1)), "aliases": [],
        "origin": "manual", "price_source": SOURCE if entry else "",
    }


def named(cost_map: dict, provider: str, modes: tuple[str, ...]) -> list[tuple[str, dict]]:
    """Cost-map entries of a provider and mode, sorted by name."""
    return sorted((k, v) for k, v in cost_map.items()
                  if v.get("litellm_provider") == provider and v.get("mode") in modes)


def fine_tunes(bases: list[tuple[str, dict]], count: int) -> list[tuple[str, dict]]:
    """OpenAI-style fine-tune names `ft:<base>:<org>:<job>:<id>` priced like their base."""
    rng = random.Random(7)
    bases = bases or [("gpt-4o-mini-2024-07-18", {})]
    names = []
    for index in range(count):
        base, entry = bases[index % len(bases)]
        suffix = "".join(rng.choices("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789", k=8))
        org, job = FINE_TUNE_ORGS[index % 7], FINE_TUNE_JOBS[index % 6]
        names.append((f"ft:{base.removeprefix('ft:')}:{org}:{job}:{suffix}", entry))
    return names


def candidates(cost_map: dict) -> dict[tuple[str, str], list[tuple[str, dict]]]:
    """Names per (provider, type), real ones first, padded to what SHAPE needs."""
    openai_text = named(cost_map, "openai", ("chat", "responses"))
    anthropic = named(cost_map, "anthropic", ("chat",)) + [
        (k, v) for k, v in named(cost_map, "bedrock", ("chat",)) if "anthropic" in k]
    openai_image = named(cost_map, "openai", ("image_generation",))
    runware = [(f"runware:{100 + i}@1", v) for i, (_k, v) in
               enumerate(named(cost_map, "fal_ai", ("image_generation",)))]
    need = {key[:2]: 0 for key in SHAPE}
    for key, count in SHAPE.items():
        need[key[:2]] += count
    pools = {("openai", "text"): openai_text, ("anthropic", "text"): anthropic,
             ("openai", "image"): openai_image, ("runware", "image"): runware}
    pools[("openai", "text")] += fine_tunes(openai_text, need["openai", "text"] - len(openai_text))
    for (provider, kind), pool in pools.items():
        missing = need[provider, kind] - len(pool)
        pool += [(f"{provider}-{kind}-{i}", {}) for i in range(max(0, missing))]
        del pool[need[provider, kind]:]
    return pools


def catalogue_rows() -> list[dict]:
    """1,000 model rows shaped by SHAPE; each inactive share takes the end of its pool."""
    pools = candidates(load_cost_map())
    rows = []
    for (provider, kind), pool in pools.items():
        active = SHAPE[provider, kind, True]
        build = text_row if kind == "text" else image_row
        for index, (name, entry) in enumerate(pool):
            rows.append({**build(provider, name, entry), "is_active": index < active})
    return rows


def seed_catalogue() -> dict[tuple[str, str, bool], list[int]]:
    """Insert the catalogue and the global row; model ids per (provider, type, active)."""
    rows = catalogue_rows()
    ids = db.session.scalars(insert(AIModelConfig).returning(AIModelConfig.id), rows).all()
    groups: dict[tuple[str, str, bool], list[int]] = {}
    for row, model_id in zip(rows, ids):
        groups.setdefault((row["provider"], row["model_type"], row["is_active"]), []).append(
            model_id)
    db.session.add(GlobalIntegrationSettings(
        id=1, openai_model_id=groups["openai", "text", True][0],
        dalle_model_id=groups["openai", "image", True][0],
        runware_model_id=groups["runware", "image", True][0],
        text_model_id=groups["anthropic", "text", True][0]))
    db.session.commit()
    return groups


def account_config(groups, index: int) -> tuple[str, dict | None]:
    """The kind of an account and its config: none, key only, some, all or inactive overrides."""
    pick = index % 20

    def model(provider: str, kind: str, active: bool = True) -> int:
        ids = groups[provider, kind, active]
        return ids[index % len(ids)]
    if pick < 8:
        return "no settings", None
    config = {"api_key": f"sk-acct-{index:05d}"}
    if pick < 12:
        return "api key only", config
    if pick < 17:
        return "text overrides", {**config, "openai_model_id": model("openai", "text"),
                                  "text_model_id": model("anthropic", "text")}
    if pick < 19:
        return "every slot", {**config, "openai_model_id": model("openai", "text"),
                              "dalle_model_id": model("openai", "image"),
                              "runware_model_id": model("runware", "image"),
                              "text_model_id": model("openai", "text")}
    return "inactive override", {**config, "openai_model_id": model("openai", "text", False)}


def seed_accounts(groups, count: int) -> tuple[Counter, int]:
    """Insert the accounts and their settings; the kinds and an account overriding every slot."""
    ids = db.session.scalars(insert(Account).returning(Account.id),
                             [{"name": f"Customer {i:05d}"} for i in range(count)]).all()
    kinds: Counter = Counter()
    settings = []
    for index, account_id in enumerate(ids):
        kind, config = account_config(groups, index)
        kinds[kind] += 1
        if config is not None:
            settings.append({"account_id": account_id, "config": config})
    db.session.execute(insert(IntegrationSettings), settings)
    db.session.commit()
    return kinds, ids[17]  # index 17 % 20 overrides every slot


@contextmanager
def postgres_database(admin_url: str):
    """Create a uniquely named database (AUTOCOMMIT), yield its URL, drop it afterwards."""
    name = f"igny8_http_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database():
    """A SQLite file in a temporary directory removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="igny8-http-bench-") as folder:
        yield f"sqlite:///{folder}/igny8.db"


@contextmanager
def given_database(url: str):
    """An existing database that must be empty; every table is dropped afterwards."""
    engine = create_engine(normalise_database_url(url))
    if inspect(engine).get_table_names():
        engine.dispose()  # refused before anything is created, so nothing of it is dropped
        raise SystemExit(f"{url} already has tables: the benchmark needs an empty database")
    try:
        yield url
    finally:
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
        engine.dispose()


def database(args: Namespace):
    """The database context the options ask for."""
    if args.database_url:
        return given_database(args.database_url)
    return sqlite_database() if args.sqlite else postgres_database(args.pg_admin_url)
