"""`flask usage`: the usage ledger's commands (re-costing: igny8/recost_cli.py)."""
from __future__ import annotations

from flask.cli import AppGroup

from igny8.recost_cli import recost_command

usage_cli = AppGroup("usage", help="The usage ledger: records, costs, re-costing.")
usage_cli.add_command(recost_command)
