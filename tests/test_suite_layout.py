"""The test suite's own layout: modules share code through conftest, the helpers package, factories,
the named catalogues and the ledger's test worlds (ledger, ingest_world) only."""
import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SHARED = {
    "tests.factories", "tests.catalogues", "tests.ledger", "tests.ingest_world",
    *(f"tests.helpers.{topic}"
      for topic in ("api", "app", "concurrency", "pages", "rows", "schema")),
}


def imported_test_modules(path: Path) -> set[str]:
    """The `tests.*` modules a file imports, apart from the shared ones."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found.update(name for name in names if name.split(".")[0] == "tests")
    return found - SHARED


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.py")),
                         ids=lambda path: str(path.relative_to(TESTS)))
def test_no_module_imports_another_test_module_or_a_conftest(path):
    assert imported_test_modules(path) == set()


@pytest.mark.parametrize("name", sorted(SHARED))
def test_every_shared_module_exists(name):
    assert (TESTS.parent / (name.replace(".", "/") + ".py")).is_file()
