"""The accounts list declared as data: columns, sorts, filters (archived, slot, model, problem),
the accent-free search and the checkbox of the bulk change."""
from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from igny8.admin.account_search import account_search
from igny8.admin.lists import Action, Column, Filter, ListOptions, RowLink
from igny8.auth.roles import ADMIN
from igny8.models import SLOTS, Account, IntegrationSettings
from igny8.models.json_keys import json_key_text
from igny8.services import account_settings
from igny8.services.health import OVERRIDE_PROBLEMS, override_places
from igny8.services.slot_choices import models_by_id

A, S = Account, IntegrationSettings
ARCHIVED = case((A.archived_at.is_(None), "active"), else_="archived")
NONE_OVERRIDDEN = Markup('<span class="text-muted">none — follows the global settings</span>')


def _settings_of_account(expression):
    """`expression` over the account's settings row, correlated (None without one)."""
    return select(expression).where(S.account_id == A.id).correlate(A).scalar_subquery()


OVERRIDE_COUNT = func.coalesce(_settings_of_account(reduce(operator.add, (
    case((json_key_text(S.config, slot.config_key).is_not(None), 1), else_=0)
    for slot in SLOTS.values()))), 0)
SETTINGS_CHANGED = _settings_of_account(S.updated_at)


def name_after(row: Account, extra: dict[str, Any]) -> Markup:
    """The archived badge after an archived account's name."""
    if row.is_archived:
        return Markup('<span class="badge text-bg-dark archived-badge">Archived</span>')
    return Markup("")


def overridden(row: Account, extra: dict[str, Any]) -> Markup:
    """A badge per overridden slot, or the words that it follows the global settings."""
    names = extra["overrides"][row.id]
    if not names:
        return NONE_OVERRIDDEN
    return Markup("").join(Markup('<span class="badge text-bg-secondary me-1">%s</span>')
                           % SLOTS[name].label for name in names)


def when(value) -> str:
    """A date as YYYY-MM-DD, or a dash."""
    return value.strftime("%Y-%m-%d") if value is not None else "—"


def settings_changed(row: Account, extra: dict[str, Any]) -> str:
    """When the account's overrides last changed, or a dash."""
    return when(row.integration_settings.updated_at if row.integration_settings else None)


def annotate(rows: list[Account]) -> dict[str, Any]:
    """Each account's overridden slots (its settings are loaded with the page)."""
    return {"overrides": {row.id: account_settings.account_overrides(row.integration_settings)
                          for row in rows}}


def model_labels(values: list[str]) -> dict[str, str]:
    """Stored override values → model names, for the models overrides point at (one query)."""
    models = models_by_id(int(value) for value in values if value.isdigit())
    return {str(model.id): f"{model.display_name} ({model.model_name})"
            for model in sorted(models.values(), key=lambda model: model.display_name)}


ACCOUNT_LIST = ListOptions(
    model=Account,
    columns=(
        Column("name", "Account", lambda row, _: row.name, A.name,
               link=RowLink("settings.account", "account_id"), after=name_after),
        Column("id", "ID", lambda row, _: f"#{row.id}", A.id, numeric=True),
        Column("overrides", "Overridden slots", overridden, OVERRIDE_COUNT,
               title="Sorted by how many slots the account overrides"),
        Column("created", "Created", lambda row, _: when(row.created_at), A.created_at),
        Column("changed", "Overrides changed", settings_changed, SETTINGS_CHANGED,
               title="When the account's overrides last changed"),
    ),
    filters=(
        Filter("archived", "Archived accounts", ARCHIVED,
               {"active": "Active accounts", "archived": "Archived accounts"},
               default="active", all_param="all", all_label="Active and archived",
               widget="select"),
        Filter("slot", "Overridden slot", "slot",
               {name: slot.label for name, slot in SLOTS.items()}, place=True,
               all_label="Any slot", widget="select"),
        Filter("model", "Override model", "model", labels=model_labels, place=True,
               all_label="Any model", widget="select"),
        Filter("problem", "Overrides", "problem",
               {key: f"Overrides that {words}" for key, words in OVERRIDE_PROBLEMS.items()},
               place=True, all_label="All accounts", widget="select"),
    ),
    search=account_search,
    search_help="Account name or id",
    default_sort="name",
    default_page_size=25,
    page_sizes=(25, 50, 100),
    actions=(Action("override", "Set or clear an override", (ADMIN,)),),
    bulk_endpoint="settings.bulk_override",
    load_options=(selectinload(A.integration_settings),),
    annotate=annotate,
    row_id="account-",
    select_name="account_ids",
    select_id="select-",
    select_label=lambda row: f"Select {row.name}",
    selectable=lambda row: not row.is_archived,
    empty_text="No accounts found.",
    places=override_places,
    places_row_id="account_id",
)
