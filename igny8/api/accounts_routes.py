"""/api/v1/accounts: list, read, create, rename and archive/unarchive customer accounts."""
from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from igny8.admin.account_search import account_search
from igny8.admin.lists import paginate
from igny8.api import examples
from igny8.api.accounts_schemas import (
    AccountCreateSchema,
    AccountListSchema,
    AccountQuerySchema,
    AccountSchema,
    AccountUpdateSchema,
)
from igny8.api.blueprint import api_actor, bp
from igny8.api.conditional import ETAG_HEADER, IF_MATCH, check_if_match, with_etag
from igny8.api.errors import ApiError
from igny8.api.pages import page_body
from igny8.api.schemas import ErrorSchema
from igny8.api.spec import READS, WRITES, errors, list_operation
from igny8.extensions import db
from igny8.models.accounts import Account
from igny8.services import accounts

TAGS = ["accounts"]


def accounts_query(search: str, archived: str):
    """Accounts whose name holds `search` (case and accents ignored, as on the accounts page) or
    whose id it is, narrowed by `archived`, by name."""
    query = accounts.with_archived(select(Account), archived)
    matches = account_search(search)
    if matches is not None:
        query = query.where(matches)
    return query.order_by(Account.name, Account.id)


def account_or_404(account_id: int) -> Account:
    """The account with this id, or a 404 naming it."""
    account = db.session.get(Account, account_id)
    if account is None:
        raise ApiError(404, f"There is no account with id {account_id}.")
    return account


@bp.route("/accounts", tags=TAGS)
class Accounts(MethodView):
    """Customer accounts."""

    @list_operation(AccountQuerySchema, AccountListSchema, examples.ACCOUNT_LIST)
    def get(self, args):
        """List accounts (active ones unless `archived` says otherwise), searched, paginated."""
        found = paginate(accounts_query(args.get("q") or "", args["archived"]), args["page"],
                         args["per_page"], clamp=False)
        return page_body(found)

    @bp.arguments(AccountCreateSchema, example=examples.ACCOUNT_CREATE)
    @bp.response(201, AccountSchema, headers=ETAG_HEADER, example=examples.ACCOUNT)
    @bp.alt_response(409, schema=ErrorSchema, example=examples.ACCOUNT_NAME_TAKEN,
                     description="Another account has this name (in any case or spelling)")
    @bp.alt_response(422, schema=ErrorSchema, description="The name is blank or too long")
    @errors(*WRITES)
    def post(self, fields):
        """Create an active account."""
        account = accounts.create_account(fields["name"], api_actor())
        return with_etag(account, account.version, 201)


@bp.route("/accounts/<int:account_id>", tags=TAGS)
class AccountById(MethodView):
    """One customer account."""

    @bp.response(200, AccountSchema, headers=ETAG_HEADER, example=examples.ACCOUNT)
    @bp.alt_response(404, schema=ErrorSchema, description="No account has this id")
    @errors(*READS)
    def get(self, account_id):
        """Read one account, archived or not; its ETag is its version."""
        account = account_or_404(account_id)
        return with_etag(account, account.version)

    @bp.doc(parameters=[IF_MATCH])
    @bp.arguments(AccountUpdateSchema, example=examples.ACCOUNT_CHANGE)
    @bp.response(200, AccountSchema, headers=ETAG_HEADER)
    @bp.alt_response(404, schema=ErrorSchema, description="No account has this id")
    @bp.alt_response(409, schema=ErrorSchema, example=examples.ACCOUNT_NAME_TAKEN,
                     description="The name is taken, or the account changed since `version` / "
                                 "If-Match")
    @bp.alt_response(422, schema=ErrorSchema, description="The name is blank or too long")
    @errors(*WRITES)
    def patch(self, changes, account_id):
        """Rename (`name`), archive (`archived: true`) or unarchive (`archived: false`)."""
        account = account_or_404(account_id)
        check_if_match(account.version, f"Account {account.name!r}")
        account, _ = accounts.update_account(
            account_id, name=changes.get("name"), archived=changes.get("archived"),
            expected_version=changes.get("version"), actor=api_actor())
        return with_etag(account, account.version)
