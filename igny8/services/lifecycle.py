"""The lifecycle state as SQL, so lists filter, count and sort by it in the database.

The same rule as igny8/lifecycle.py's `state_of`, with today and the retiring window read when
each statement runs (callable bind parameters), never when this module is imported.
"""
from __future__ import annotations

from sqlalchemy import Date, bindparam, case

from igny8 import lifecycle
from igny8.models.catalogue import AIModelConfig

M = AIModelConfig
TODAY = bindparam("lifecycle_today", type_=Date, callable_=lambda: lifecycle.today())
RETIRING_UNTIL = bindparam("lifecycle_retiring_until", type_=Date,
                           callable_=lambda: lifecycle.retiring_until())

# The date alone: retired from the deprecation day on, retiring within the window.
DATE_STATE = case(
    (M.deprecation_date <= TODAY, lifecycle.RETIRED),
    (M.deprecation_date <= RETIRING_UNTIL, lifecycle.RETIRING),
    else_=lifecycle.ACTIVE,
)
STATE = case((M.is_active.is_(False), lifecycle.INACTIVE), else_=DATE_STATE)
RANK = lifecycle.STATE_RANK
STATE_RANK = case(
    (M.is_active.is_(False), RANK[lifecycle.INACTIVE]),
    (M.deprecation_date <= TODAY, RANK[lifecycle.RETIRED]),
    (M.deprecation_date <= RETIRING_UNTIL, RANK[lifecycle.RETIRING]),
    else_=RANK[lifecycle.ACTIVE],
)
