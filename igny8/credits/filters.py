"""The filter form the Usage and Costs screens share (GET parameters, no CSRF needed)."""
from __future__ import annotations

from wtforms import Form, SelectField, StringField

from igny8.errors import DomainError
from igny8.services.usage_filters import FILTERS
from igny8.services.usage_reports import Names


class ReportFilterForm(Form):
    """Account, model and a UTC date range; the report service checks them."""

    account_id = SelectField("Account", validate_choice=False,
                             description="Accounts with usage")
    model_id = SelectField("AI model", validate_choice=False, description="Models with usage")
    start = StringField("From", render_kw={"type": "date"},
                        description="UTC day, YYYY-MM-DD; default 30 days ago")
    end = StringField("To", render_kw={"type": "date"}, description="Inclusive; default today")

    def set_choices(self, names: Names) -> None:
        """Offer these accounts and models (archived accounts keep their history)."""
        self.account_id.choices = [("", "All accounts")] + sorted(
            ((str(key), name) for key, name in names.accounts.items()), key=lambda c: c[1])
        self.model_id.choices = [("", "All models")] + sorted(
            ((str(key), name) for key, name in names.models.items()), key=lambda c: c[1])

    def values(self) -> dict[str, str]:
        """The filters as typed, for the report service and the links between pages."""
        return {name: (self[name].data or "").strip() for name in FILTERS
                if (self[name].data or "").strip()}

    def show_refusal(self, error: DomainError) -> None:
        """Put each refused filter's message next to its field."""
        for name, message in error.fields.items():
            if name in self:
                self[name].errors = [message]

    def show_range(self, first_day, last_day) -> None:
        """Fill empty dates with the range the report used."""
        self.start.data = self.start.data or first_day.isoformat()
        self.end.data = self.end.data or last_day.isoformat()
