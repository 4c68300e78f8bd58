"""The `credits` blueprint at /credits/: the billing screens."""
from flask import Blueprint

bp = Blueprint("credits", __name__, url_prefix="/credits")
