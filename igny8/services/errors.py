"""Domain errors raised by the services and turned into messages by views and the API."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request; `fields` maps field names to messages."""

    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


class ValidationFailed(DomainError):
    """Input broke one or more field rules; nothing was written."""

    code = "validation_failed"


class ResolutionError(DomainError):
    """No model could be resolved for a slot."""

    code = "unresolved"

    def __init__(self, slot: str, reason: str) -> None:
        super().__init__(f"No model for slot {slot}: {reason}", {slot: reason})
        self.slot = slot
        self.reason = reason


class ModelInUse(DomainError):
    """The model is referenced and cannot be deleted or deactivated."""

    code = "in_use"


class ConflictError(DomainError):
    """Someone else changed the object since it was loaded."""

    code = "conflict"
