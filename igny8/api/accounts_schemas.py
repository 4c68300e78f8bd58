"""Schemas of /api/v1/accounts: an account, a page of them, the list's query, create, change."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from igny8.api.pages import page_query_fields, page_schema
from igny8.api.schemas import VISIBLE, StrictBoolean, StrictInteger, Text, UtcDateTime
from igny8.models.accounts import MAX_NAME_LENGTH
from igny8.services.accounts import ARCHIVED_FILTERS
from igny8.services.text import VISIBLE_NO_CONTROL_PATTERN

NAME = {**VISIBLE, "pattern": VISIBLE_NO_CONTROL_PATTERN,
        "description": "Unique whatever its case or Unicode spelling; stored trimmed and "
                       "NFKC-normalised, white space folded to one space; control characters "
                       "other than white space are refused with 422. " + VISIBLE["description"]}


def _name(**kwargs) -> fields.Field:
    """An account name as a client sends it."""
    return Text(validate=validate.Length(min=1, max=MAX_NAME_LENGTH), metadata=NAME, **kwargs)


class AccountSchema(ma.Schema):
    """A customer account."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    archived = fields.Boolean(required=True, attribute="is_archived", metadata={
        "description": "Archived accounts keep their usage and history but take no new usage"})
    archived_at = UtcDateTime(required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={"description": "Send back in PATCH"})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


AccountListSchema = page_schema("AccountListSchema", AccountSchema, "One page of accounts.",
                                "Accounts matching")


class AccountQuerySchema(ma.Schema):
    """Search, archived filter and page of GET /accounts; unknown parameters are refused."""

    q = Text(validate=validate.Length(max=100),
             metadata={"description": "Part of the name (case and accents ignored), or the id "
                                      "(12 or #12)"})
    archived = fields.String(load_default="active", validate=validate.OneOf(ARCHIVED_FILTERS),
                             metadata={"description": "active (default), archived or all"})
    page, per_page = page_query_fields()


class AccountCreateSchema(ma.Schema):
    """A new account: its name."""

    name = _name(required=True)


class AccountUpdateSchema(ma.Schema):
    """A change: a new name, and/or archived true (archive) or false (unarchive)."""

    name = _name()
    archived = StrictBoolean()
    version = StrictInteger(
        metadata={"description": "The version you loaded; 409 when someone saved since"})
