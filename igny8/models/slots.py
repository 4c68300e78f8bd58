"""The model slots of the integration settings and the one rule for what each may hold."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from igny8.models.catalogue import AIModelConfig


@dataclass(frozen=True)
class Slot:
    """A place that names a model: a global FK column and an account override key."""

    name: str  # attribute on GlobalIntegrationSettings, e.g. "openai_model"
    label: str
    model_type: str
    provider: str | None  # None: any provider

    @property
    def column(self) -> str:
        """The FK column on the global settings table."""
        return f"{self.name}_id"

    @property
    def config_key(self) -> str:
        """The account override key in IntegrationSettings.config."""
        return f"{self.name}_id"

    def accepts(self, model: AIModelConfig) -> bool:
        """Whether `model` is of this slot's provider and type (activity aside)."""
        provider_ok = self.provider is None or model.provider == self.provider
        return provider_ok and model.model_type == self.model_type

    def matching_query(self) -> Select[tuple[AIModelConfig]]:
        """Models of this slot's provider and type, active or not."""
        query = select(AIModelConfig).where(AIModelConfig.model_type == self.model_type)
        if self.provider is not None:
            query = query.where(AIModelConfig.provider == self.provider)
        return query

    def choices_query(self) -> Select[tuple[AIModelConfig]]:
        """The models this slot may point at: active, right provider and type, by display name."""
        return (
            self.matching_query()
            .where(AIModelConfig.is_active.is_(True))
            .order_by(AIModelConfig.display_name, AIModelConfig.model_name)
        )

    def why_not(self, model: AIModelConfig | None) -> str | None:
        """The reason `model` cannot fill this slot, or None when it can."""
        if model is None:
            return "the model does not exist"
        if not self.accepts(model):
            wanted = f"{self.provider} {self.model_type}" if self.provider else self.model_type
            kind = f"{model.provider} {model.model_type}"
            article = "an" if kind[0] in "aeiou" else "a"
            return f"{model.model_name} is {article} {kind} model, not {wanted}"
        if not model.is_active:
            return f"{model.model_name} is inactive"
        return None


SLOTS: dict[str, Slot] = {
    slot.name: slot
    for slot in (
        Slot("openai_model", "OpenAI text model", "text", "openai"),
        Slot("dalle_model", "DALL-E image model", "image", "openai"),
        Slot("runware_model", "Runware image model", "image", "runware"),
        Slot("text_model", "Text model (any provider)", "text", None),
    )
}


def get_slot(name: str) -> Slot:
    """Look a slot up by name; KeyError names the unknown slot."""
    try:
        return SLOTS[name]
    except KeyError:
        raise KeyError(f"unknown model slot {name!r}; known: {', '.join(SLOTS)}") from None
