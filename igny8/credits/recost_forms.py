"""The re-costing query: which model, since when (GET parameters, no CSRF needed)."""
from __future__ import annotations

from sqlalchemy import select
from wtforms import Form, SelectField, StringField
from wtforms.validators import Length, Optional

from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig
from igny8.models.prices import ModelPriceVersion


class RecostQueryForm(Form):
    """A model with price versions and the start (and optional end) of its records' window."""

    model_id = SelectField("Model", validate_choice=False)
    since = StringField("Since", validators=[Length(max=40)],
                        description="YYYY-MM-DD or an ISO 8601 time, UTC")
    until = StringField("Until", validators=[Optional(), Length(max=40)],
                        description="optional: only records before this")

    def set_model_choices(self) -> None:
        """Offer the models that have price versions, by provider and name."""
        priced = select(ModelPriceVersion.model_id).distinct()
        models = db.session.scalars(select(AIModelConfig).where(AIModelConfig.id.in_(priced))
                                    .order_by(AIModelConfig.provider, AIModelConfig.display_name))
        self.model_id.choices = [("", "Choose a model")] + [
            (str(m.id), f"{m.display_name} ({m.provider}, {m.model_type})") for m in models]
