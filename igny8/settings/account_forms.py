"""Forms of the account screens: add an account, rename it, archive or unarchive it."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from igny8.models.accounts import MAX_NAME_LENGTH

NAME_HELP = "Unique whatever its case; spaces around it are dropped."


class AccountCreateForm(FlaskForm):
    """The list's "Add an account" form."""

    name = StringField("Account name", validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)],
                       description=NAME_HELP)
    submit = SubmitField("Add account")


class PrefixedForm(FlaskForm):
    """A form sharing its page with others: its field names (and ids) carry `PREFIX`."""

    PREFIX = ""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class AccountRenameForm(PrefixedForm):
    """Rename on the account page, with the version the admin loaded."""

    PREFIX = "rename"

    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)],
                       description=NAME_HELP)
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    submit = SubmitField("Rename")


class AccountArchiveForm(PrefixedForm):
    """Archive ("1") or unarchive ("0") the account, with the version the admin loaded."""

    PREFIX = "archive"

    archived = HiddenField(validators=[AnyOf(["0", "1"])])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    submit = SubmitField("Archive")
