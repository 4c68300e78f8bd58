"""`flask usage import FILE.csv`: batches through the ledger, errors by line, exit status."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.helpers.rows import rollup_rows, stored_records, sums_agree
from tests.ingest_world import make_ledger

HEADER = "request_id,account_id,model_id,occurred_at,slot,input_tokens,cached_input_tokens," \
         "output_tokens,images\n"


@pytest.fixture
def world(db):
    """The accounts, models and price versions of tests/usage_data.py, committed."""
    return make_ledger()


def line(world, request_id: str, **cells) -> str:
    """One CSV line of a good text record (March: the first version), with changed cells."""
    values = {"request_id": request_id, "account_id": world.account, "model_id": world.text,
              "occurred_at": "2026-03-01T10:00:00Z", "slot": "", "input_tokens": 1000,
              "cached_input_tokens": 400, "output_tokens": 500, "images": "", **cells}
    return ",".join(str(value) for value in values.values()) + "\n"


def run_import(app, tmp_path, text: str):
    """`flask usage import` on a file holding `text`."""
    path = tmp_path / "usage.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["usage", "import", str(path)])


def test_a_good_file_is_stored_and_a_second_import_only_finds_duplicates(app, world, tmp_path):
    text = HEADER + "".join(line(world, f"r{i}", output_tokens=i) for i in range(2500))
    first = run_import(app, tmp_path, text)
    assert first.exit_code == 0, first.output
    assert "Inserted 2,500, duplicates 0." in first.output
    rows = stored_records()
    assert len(rows) == 2500 and rows[0].cost == Decimal("0.00012")  # (90 + 30 + 0) / 1M
    rollups = rollup_rows()
    again = run_import(app, tmp_path, text)
    assert again.exit_code == 0 and "Inserted 0, duplicates 2,500." in again.output
    assert rollup_rows() == rollups and sums_agree()


def test_columns_in_any_order_with_empty_optional_cells(app, world, tmp_path):
    text = ("occurred_at,model_id,account_id,request_id,images\n"
            f"2026-02-02T00:00:00Z,{world.image},{world.account},img-1,2\n"
            f"2026-02-02T00:00:00Z,{world.image},{world.account},img-2,\n")
    result = run_import(app, tmp_path, text)
    assert result.exit_code == 0, result.output
    assert [(r.images, r.cost) for r in stored_records()] == [(2, Decimal("0.08")),
                                                              (0, Decimal("0"))]


def test_a_bad_line_is_reported_by_line_number_and_its_batch_is_not_written(
        app, world, tmp_path):
    good = [line(world, f"r{i}") for i in range(1000)]
    bad = [line(world, "b0"), line(world, "b1", model_id=999),
           line(world, "b2", output_tokens="12x")]
    result = run_import(app, tmp_path, HEADER + "".join(good + bad))
    assert result.exit_code == 1
    assert "line 1003: model_id: no AI model has id 999" in result.output
    assert "line 1004: output_tokens: must be a whole number from 0 to 100,000,000" \
        in result.output
    assert "Inserted 1,000, duplicates 0." in result.output
    assert "1 batch(es), 3 rows, were not written" in result.output
    assert {r.request_id for r in stored_records()} == {f"r{i}" for i in range(1000)}
    assert sums_agree()


@pytest.mark.parametrize("header, message", [
    ("request_id,account_id,model_id\n", "missing column(s) occurred_at"),
    ("request_id,account_id,model_id,occurred_at,cost\n", "unknown column(s) cost"),
    ("", "missing column(s) request_id"),
])
def test_a_file_without_the_right_header_is_refused(app, world, tmp_path, header, message):
    result = run_import(app, tmp_path, header + "r1,1,1,2026-03-01T10:00:00Z\n")
    assert result.exit_code == 1
    assert message in result.output
    assert stored_records() == []


def test_the_help_says_each_batch_is_all_or_nothing(app):
    result = app.test_cli_runner().invoke(args=["usage", "import", "--help"])
    assert result.exit_code == 0
    assert "batches of 1,000, each all or nothing" in " ".join(result.output.split())
