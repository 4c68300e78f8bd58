"""The CSV export neutralises formulas (OWASP CSV injection) and still imports back unchanged."""
import csv
import io

import pytest

from igny8.services import exchange
from igny8.services.catalogue import find_by_name, list_models, update_model
from igny8.services.exchange_records import neutralised, restored, to_csv

pytestmark = pytest.mark.catalogue("shipped")
FORMULAS = {
    "notes": '=HYPERLINK("http://evil.test","click")',
    "display_name": "@SUM(1+1)",
    "price_source": "-2+3+cmd|' /C calc'!A0",
}


def exported_row(model_name: str) -> dict[str, str]:
    """The export's CSV row of `model_name`, as a spreadsheet would read its cells."""
    rows = csv.DictReader(io.StringIO(to_csv(list_models())))
    return next(row for row in rows if row["model_name"] == model_name)


@pytest.mark.parametrize("cell, shown", [
    ("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'quoted", "''quoted"), ("''", "'''"),
    ("-1.5", "-1.5"), ("-2", "-2"), ("+3e-07", "+3e-07"), ("0.15", "0.15"), ("plain", "plain"),
    ("", ""), ("a=b", "a=b"),
])
def test_each_cell_is_neutralised_and_restored_exactly(cell, shown):
    assert neutralised(cell) == shown
    assert restored(shown) == cell


def test_a_quote_typed_before_plain_text_is_kept_on_import():
    assert restored("'tis") == "'tis" and restored("'=1") == "=1"


def test_formula_cells_are_exported_as_text_and_import_back_unchanged(db, catalogue):
    mini = find_by_name("openai", "gpt-4o-mini")
    update_model(mini, aliases=["+mini", "mini-2"], **FORMULAS)
    row = exported_row("gpt-4o-mini")
    assert row["notes"] == "'" + FORMULAS["notes"]
    assert row["display_name"] == "'@SUM(1+1)"
    assert row["price_source"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["aliases"] == "'+mini\nmini-2"
    assert row["input_price_per_1m"] == "0.15"  # numbers are left alone
    result = exchange.preview(exchange.parse(to_csv(list_models()), "csv"))
    assert {r.status for r in result.rows} == {exchange.UNCHANGED}


def test_negative_looking_numbers_and_quotes_in_the_data_survive(db, catalogue):
    mini = find_by_name("openai", "gpt-4o-mini")
    update_model(mini, notes="-5", price_source="'=already quoted")
    row = exported_row("gpt-4o-mini")
    assert (row["notes"], row["price_source"]) == ("-5", "''=already quoted")
    result = exchange.preview(exchange.parse(to_csv(list_models()), "csv"))
    assert {r.status for r in result.rows} == {exchange.UNCHANGED}
    edited = to_csv(list_models()).replace("''=already quoted", "''=changed", 1)
    (changed,) = [r for r in exchange.preview(exchange.parse(edited, "csv")).rows
                  if r.status == exchange.CHANGED]
    assert changed.changes == {"price_source": ["'=already quoted", "'=changed"]}
