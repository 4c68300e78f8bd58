"""Filters of the global audit log (GET parameters, no CSRF needed)."""
from wtforms import Form, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import Length, Optional, ValidationError

OBJECT_TYPES = {
    "ai_model": "AI model",
    "ai_model_prices": "AI model prices",
    "global_settings": "Global integration settings",
    "account": "Account",
    "account_settings": "Account integration settings",
    "api_key": "API key",
    "user": "User",
    "recost_run": "Re-costing run",
}
ACTIONS = ("create", "update", "delete", "activate", "deactivate", "revoke", "recost")


def type_label(object_type: str) -> str:
    """Human name of an audited object type."""
    return OBJECT_TYPES.get(object_type, object_type.replace("_", " ").capitalize())


class HistoryFilterForm(Form):
    """Object type, action, actor and a date range; all optional."""

    object_type = SelectField("Object type", validators=[Optional()], validate_choice=False)
    action = SelectField("Action", validators=[Optional()], validate_choice=False)
    actor = StringField("Actor", validators=[Optional(), Length(max=254)],
                        description="Email or label (cli, system, api-key:…), partial match")
    date_from = DateField("From", validators=[Optional()], description="YYYY-MM-DD, UTC")
    date_to = DateField("To", validators=[Optional()], description="YYYY-MM-DD, inclusive")

    def set_choices(self, object_types: list[str], actions: list[str]) -> None:
        """Offer the types and actions known plus those present in the log."""
        types = sorted(set(OBJECT_TYPES) | set(object_types))
        self.object_type.choices = {"": "Any", **{t: type_label(t) for t in types}}
        self.action.choices = {"": "Any", **{a: a for a in sorted(set(ACTIONS) | set(actions))}}

    def validate_date_to(self, field: DateField) -> None:
        """The range must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

    def active_filters(self) -> dict[str, str]:
        """The non-empty filters as GET parameters (for pagination links)."""
        return {name: value for name, value in self.raw_values().items() if value}

    def raw_values(self) -> dict[str, str]:
        """Every filter as the string the user typed."""
        return {field.name: (field.raw_data[0] if field.raw_data else "") for field in self}
