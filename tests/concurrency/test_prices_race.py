"""Price versions written together over real HTTP on PostgreSQL: every writer locks the model
row before it checks and writes, so the model's price columns always equal the version in force
now, two versions never start at the same moment, and nobody gets a 5xx."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from igny8.models import AIModelConfig
from igny8.services import price_versions
from igny8.services.costing import price_in_force
from tests.factories import TextModelFactory

ROUNDS = 20


def disagreement(db, model_id: int) -> list[str]:
    """The price columns that differ from the version in force now."""
    db.session.expire_all()
    model = db.session.get(AIModelConfig, model_id)
    version = price_in_force(model_id, datetime.now(timezone.utc))
    return [f"{field}: {getattr(model, field)} != {getattr(version, field)}"
            for field in ("input_price_per_1m", "output_price_per_1m")
            if version is None or getattr(model, field) != getattr(version, field)]


def test_concurrent_price_writes_leave_the_columns_equal_to_the_version_in_force(
        api, store, fire):
    model = TextModelFactory()
    store.session.commit()
    url, patched = f"/api/v1/models/{model.id}", 0
    for number in range(ROUNDS):
        a, b, c = (f"{number}.{digit}1" for digit in (1, 2, 3))
        answers = fire(
            lambda: api.request("POST", url + "/prices",
                                {"input_price_per_1m": a, "output_price_per_1m": "1"}),
            lambda: api.request("POST", url + "/prices",
                                {"input_price_per_1m": b, "output_price_per_1m": "2"}),
            lambda: api.request("PATCH", url, {"input_price_per_1m": c}),
        )
        statuses = [answer.status for answer in answers]
        # The PATCH loaded the model first: a version added meanwhile is an edit conflict.
        assert statuses[:2] == [201, 201] and statuses[2] in (200, 409), [
            answer.text for answer in answers]
        patched += statuses[2] == 200
        assert disagreement(store, model.id) == []
    store.session.expire_all()
    assert len(price_versions.versions_of(model.id)) == 2 * ROUNDS + patched


def test_two_versions_at_the_same_moment_one_wins_the_other_gets_409(api, store, fire):
    model = TextModelFactory()
    store.session.commit()
    url = f"/api/v1/models/{model.id}/prices"
    for number in range(ROUNDS):
        body = {"effective_from": f"{2030 + number}-01-01T00:00:00Z",
                "input_price_per_1m": "1", "output_price_per_1m": "2"}
        answers = fire(*[lambda: api.request("POST", url, body) for _ in range(3)])
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [201, 409, 409], [answer.text for answer in answers]
    store.session.expire_all()
    assert len(price_versions.versions_of(model.id)) == ROUNDS
    assert store.session.get(AIModelConfig, model.id).input_price_per_1m == Decimal("0.15")
