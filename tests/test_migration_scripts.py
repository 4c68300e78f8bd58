"""The revisions load with plain Alembic tooling; `flask db` inspects them from a clean start."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from igny8.config import REPO_ROOT

pytestmark = pytest.mark.migrations

MIGRATIONS = REPO_ROOT / "migrations"
NO_CHANGES = "No new upgrade operations detected."


def script_directory() -> ScriptDirectory:
    """The revisions as Alembic finds them from migrations/alembic.ini, env.py left unrun."""
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def has_body(function: ast.FunctionDef) -> bool:
    """Whether a function does more than `pass` or hold a docstring."""
    return any(
        not isinstance(node, ast.Pass)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        for node in function.body
    )


def functions_of(path: str) -> dict[str, ast.FunctionDef]:
    """The module-level functions of a revision file, by name."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_revision_loads_without_env_py_in_one_linear_chain():
    scripts = script_directory()
    [head] = scripts.get_heads()
    chain = list(scripts.walk_revisions("base", "heads"))  # newest first; imports every revision
    files = sorted(path.stem for path in (MIGRATIONS / "versions").glob("*.py"))
    assert len(chain) == len(files) and chain[0].revision == head
    for newer, older in zip(chain, chain[1:]):
        assert newer.down_revision == older.revision, newer.revision
        assert not newer.is_merge_point and not older.is_branch_point, newer.revision
    assert chain[-1].down_revision is None
    for script in chain:
        assert callable(script.module.upgrade) and callable(script.module.downgrade)
        functions = functions_of(script.path)
        assert has_body(functions["upgrade"]) and has_body(functions["downgrade"]), script.path
    assert str(MIGRATIONS) not in sys.path  # nothing put the folder on the import path


def flask_db(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """Run `flask db <args>` in a fresh interpreter, as an operator would; checks exit code 0."""
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": database_url,
           "SECRET_KEY": "igny8-tests"}
    result = subprocess.run([sys.executable, "-m", "flask", "db", *args], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_flask_db_heads_and_history_list_the_chain(tmp_path):
    url = f"sqlite:///{tmp_path / 'unused.db'}"
    chain = list(script_directory().walk_revisions("base", "heads"))
    heads = flask_db("heads", database_url=url).stdout
    assert heads.split() == [chain[0].revision, "(head)"]
    history = flask_db("history", database_url=url).stdout.splitlines()
    assert len(history) == len(chain)
    assert history[0].startswith(f"{chain[1].revision} -> {chain[0].revision} (head), ")
    assert history[-1].startswith(f"<base> -> {chain[-1].revision}, ")
    shown = flask_db("show", "head", database_url=url).stdout
    assert f"Rev: {chain[0].revision} (head)" in shown and f"Parent: {chain[1].revision}" in shown
    assert not (tmp_path / "unused.db").exists()  # none of them needed the database


def test_flask_db_current_upgrade_and_check_on_an_empty_database(backend, fresh_database_url):
    url = fresh_database_url(backend)
    [head] = script_directory().get_heads()
    flask_db("upgrade", database_url=url)
    assert flask_db("current", database_url=url).stdout.split() == [head, "(head)"]
    assert NO_CHANGES in flask_db("check", database_url=url).stdout
