"""Import of igny8 files and applying a preview: round trips, bad files, audit, hand edits."""
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.errors import ValidationFailed
from igny8.extensions import db as _db
from igny8.models import AIModelConfig, AuditEntry
from igny8.services import exchange, exchange_apply
from igny8.services.audit import CLI, Actor
from igny8.services.catalogue import find_by_name, list_models, update_model
from igny8.services.exchange_records import to_csv, to_json
from tests.helpers.rows import audit_rows, model_count

pytestmark = pytest.mark.catalogue("shipped")
LITELLM = {
    "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
                    "input_cost_per_token": 2e-07, "output_cost_per_token": 6e-07},
    "acme-new": {"litellm_provider": "openai", "mode": "chat",
                 "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
}


def statuses(result) -> set[str]:
    """The classes present in a preview."""
    return {row.status for row in result.rows}


def test_a_json_export_imports_back_with_nothing_to_change(db, catalogue):
    update_model(find_by_name("openai", "gpt-4o-mini"), aliases=["mini", "4o-mini"],
                 notes="Line one\nline two, with \"quotes\"", price_source="https://x.test")
    result = exchange.preview(exchange.parse(to_json(list_models()), "json"))
    assert statuses(result) == {exchange.UNCHANGED}
    assert result.counts()["unchanged"] == model_count(db)


def test_a_csv_export_imports_back_with_nothing_to_change(db, catalogue):
    update_model(find_by_name("openai", "gpt-4o-mini"), aliases=["mini", "4o-mini"],
                 notes="Line one\nline two, with \"quotes\"; and, commas")
    result = exchange.preview(exchange.parse(to_csv(list_models()), "csv"))
    assert statuses(result) == {exchange.UNCHANGED}


def test_the_json_export_is_lossless(db, catalogue):
    document = json.loads(to_json(list_models()))
    mini = next(m for m in document["models"] if m["model_name"] == "gpt-4o-mini")
    assert mini["input_price_per_1m"] == "0.15" and mini["cached_input_price_per_1m"] == "0.075"
    assert mini["deprecation_date"] == "2027-01-14" and mini["is_active"] is True
    assert {"id", "version", "created_at", "origin", "price_checked_on"} <= set(mini)


def test_a_changed_csv_cell_is_a_field_level_diff(db, catalogue):
    text = to_csv(list_models()).replace(",0.15,0.075,0.60,", ",0.17,0.075,0.60,", 1)
    (row,) = [r for r in exchange.preview(exchange.parse(text, "csv")).rows
              if r.status == exchange.CHANGED]
    assert row.key == "openai/gpt-4o-mini"
    assert row.changes == {"input_price_per_1m": ["0.15", "0.17"]}


@pytest.mark.parametrize("text, fmt, message", [
    ("not json at all", "json", "The file is not JSON"),
    ('{"rows": []}', "json", 'needs a "models" list'),
    ("provider,name,price\nopenai,x,1\n", "csv",
     "The CSV header is wrong: unknown columns: name, price; missing columns: model_name"),
])
def test_an_unreadable_file_is_refused_with_a_clear_message(db, catalogue, text, fmt, message):
    with pytest.raises(ValidationFailed, match=message):
        exchange.parse(text, fmt)


def test_bad_cells_are_errors_of_their_row_and_nothing_is_written(db, catalogue, app,
                                                                  tmp_path):
    text = ("provider,model_type,model_name,display_name,input_price_per_1m,context_window\n"
            "openai,text,acme-1,Acme,abc,12\nopenai,text,acme-2,Acme 2,1.2345678,lots\n")
    rows = [r for r in exchange.preview(exchange.parse(text, "csv")).rows
            if r.status == exchange.ERROR]
    assert list(rows[0].messages) == ["input_price_per_1m"]
    assert rows[0].messages["input_price_per_1m"].startswith(
        "input_price_per_1m must be a decimal amount in USD")
    assert rows[0].messages["input_price_per_1m"].endswith("not 'abc'")
    assert rows[1].messages["context_window"] == (
        "context_window must be a whole number of tokens, not 'lots'")
    assert rows[1].messages["input_price_per_1m"] == (
        "input_price_per_1m must have at most 6 decimal places")
    before = model_count(db)
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = app.test_cli_runner().invoke(
        args=["catalogue", "import", str(path), "--format", "csv", "--apply"])
    assert result.exit_code == 1
    assert "Error: 2" in result.output and "Applied: 0 created, 0 updated." in result.output
    assert model_count(db) == before


def test_applying_writes_the_chosen_rows_in_one_audited_transaction(db, catalogue):
    items = exchange.parse(json.dumps(LITELLM), "litellm")
    before = model_count(db)
    _result, report = exchange_apply.apply(items, lambda row: row.default_ticked,
                                           Actor("user", None, "ann"))
    assert (report.created, report.updated) == (["openai/acme-new"], ["openai/gpt-4o-mini"])
    assert model_count(db) == before + 1  # nothing missing from the file was deleted
    new = find_by_name("openai", "acme-new")
    assert (new.is_active, new.origin, new.display_name) == (False, "import", "acme-new")
    assert new.input_price_per_1m == Decimal("1.000000")
    mini = find_by_name("openai", "gpt-4o-mini")
    assert mini.input_price_per_1m == Decimal("0.20") and mini.origin == "import"
    entries = [e for e in audit_rows(db) if e.action == "import"]
    assert {(e.object_repr.split(" (")[0], e.actor_label) for e in entries} == {
        ("acme-new", "ann"), ("GPT-4o Mini", "ann")}
    mini_entry = next(e for e in entries if e.object_id == str(mini.id))
    assert mini_entry.changes["input_price_per_1m"] == ["0.15", "0.20"]
    again = exchange.preview(exchange.parse(json.dumps(LITELLM), "litellm"))
    assert {r.status for r in again.rows if r.key in ("openai/acme-new", "openai/gpt-4o-mini")
            } == {exchange.UNCHANGED}


def test_rows_an_admin_edited_are_marked_and_not_ticked(db, catalogue, auth):
    admin = auth.login("admin")
    update_model(find_by_name("openai", "gpt-4o-mini"), actor=Actor.for_user(admin),
                 origin="seed", notes="checked by hand")
    result = exchange.preview(exchange.parse(json.dumps(LITELLM), "litellm"))
    row = next(r for r in result.rows if r.key == "openai/gpt-4o-mini")
    assert row.status == exchange.CHANGED and row.hand_edited and not row.default_ticked
    assert next(r for r in result.rows if r.key == "openai/acme-new").default_ticked
    exchange_apply.apply(exchange.parse(json.dumps(LITELLM), "litellm"),
                         lambda r: r.default_ticked, CLI)
    assert find_by_name("openai", "gpt-4o-mini").input_price_per_1m == Decimal("0.15")


def test_the_cli_dry_run_counts_and_writes_nothing(db, catalogue, app, tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({**LITELLM, "bad": {"litellm_provider": "openai",
                                                   "mode": "chat", "input_cost_per_token": "x"}}))
    runner = app.test_cli_runner()
    args = ["catalogue", "import", str(path), "--format", "litellm"]
    result = runner.invoke(args=[*args, "--dry-run"])
    assert result.exit_code == 1, result.output
    assert "New: 1, Changed: 1, Unchanged: 0" in result.output
    assert "Error: 1" in result.output
    assert "error openai/bad: input_price_per_1m: input_cost_per_token must be a number" in (
        result.output)
    assert find_by_name("openai", "acme-new") is None
    result = runner.invoke(args=[*args, "--apply"])
    assert "Applied: 1 created, 1 updated." in result.output and result.exit_code == 1
    entry = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).first()
    assert entry.actor_label == "cli"


def test_the_cli_exports_each_format_to_a_file(db, catalogue, app, tmp_path):
    runner = app.test_cli_runner()
    for fmt in ("json", "csv", "litellm"):
        out = tmp_path / f"export.{fmt}"
        result = runner.invoke(args=["catalogue", "export", "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        back = runner.invoke(args=["catalogue", "import", str(out), "--format", fmt,
                                   *(["--provider", "openai", "--provider", "anthropic",
                                      "--provider", "runware"] if fmt == "litellm" else []),
                                   "--dry-run"])
        assert back.exit_code == 0, back.output
        assert "New: 0, Changed: 0," in back.output
    assert _db.session.scalar(select(AIModelConfig.id).limit(1)) is not None
