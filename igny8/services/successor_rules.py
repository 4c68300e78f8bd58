"""A model's successor: another existing model of the same type, reached without a loop."""
from __future__ import annotations

from igny8.extensions import db
from igny8.models.catalogue import AIModelConfig


def _successor_problem(model: AIModelConfig) -> str | None:
    """Why `model.successor_id` cannot be its successor, or None."""
    successor_id = model.successor_id
    if isinstance(successor_id, bool) or not isinstance(successor_id, int):
        return "successor_id must be the id of another model"
    if model.id is not None and successor_id == model.id:
        return "A model cannot be its own successor"
    with db.session.no_autoflush:
        successor = db.session.get(AIModelConfig, successor_id)
    if successor is None:
        return f"There is no model with id {successor_id} to be the successor"
    if successor.model_type != model.model_type:
        return (f"The successor must be {_a(model.model_type)} model like this one;"
                f" {successor.display_name} is {_a(successor.model_type)} model")
    return _cycle_problem(model, successor)


def _a(word: str) -> str:
    """`a text` / `an image`."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _cycle_problem(model: AIModelConfig, successor: AIModelConfig) -> str | None:
    """A successor chain must not lead back to the model (any length, bounded walk)."""
    seen = {successor.id}
    step = successor
    with db.session.no_autoflush:
        while step.successor_id is not None and step.successor_id not in seen:
            if model.id is not None and step.successor_id == model.id:
                return (f"{successor.display_name} already leads back to this model;"
                        " a successor chain may not loop")
            seen.add(step.successor_id)
            step = db.session.get(AIModelConfig, step.successor_id)
            if step is None:
                return None
    return None


def successor_errors(model: AIModelConfig) -> dict[str, str]:
    """The successor, when set, is another existing model of the same type, without a loop."""
    if model.successor_id is None:
        return {}
    problem = _successor_problem(model)
    return {"successor_id": problem} if problem else {}
