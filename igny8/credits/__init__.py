"""Credits: the billing screens (usage, costs, re-costing runs) at /credits/."""
from flask import Blueprint

bp = Blueprint("credits", __name__, url_prefix="/credits")

__all__ = ["bp"]
