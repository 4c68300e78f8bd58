"""Scheduled prices falling due: promoted on the next request (without a statement of its own
while none is due) and by `flask prices promote`."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.models import AIModelConfig
from igny8.models.audit import AuditEntry
from igny8.services import audit, price_schedule, prices
from igny8.services.catalogue import create_model

DUE = datetime(2031, 1, 1, tzinfo=timezone.utc)
LATER = datetime(2031, 2, 1, tzinfo=timezone.utc)


@pytest.fixture
def scheduled(db):
    """A model whose price changes at DUE, and the process's due times forgotten."""
    model = create_model(provider="openai", model_type="text", model_name="gpt-4o-mini",
                         display_name="GPT-4o Mini", is_active=True,
                         input_price_per_1m=Decimal("0.15"), output_price_per_1m=Decimal("0.60"))
    prices.add_version(model.id, {"input_price_per_1m": "0.20", "output_price_per_1m": "0.80"},
                       audit.SYSTEM, effective_from=DUE)
    price_schedule.forget()
    yield model
    price_schedule.forget()


def test_a_request_after_the_due_time_promotes_the_price(client, auth, db, scheduled,
                                                         monkeypatch, count_queries):
    auth.login(role="support")
    assert "$0.15" in client.get("/admin/ai-models/").get_data(as_text=True)
    with count_queries() as quiet:  # nothing due: no statement about the schedule
        client.get("/admin/ai-models/")
    assert not any("igny8_model_price_versions" in s and "max(" in s for s in quiet.statements)
    monkeypatch.setattr(prices, "utcnow", lambda: LATER)
    page = client.get("/admin/ai-models/").get_data(as_text=True)
    assert "$0.20" in page
    db.session.expire_all()
    assert db.session.get(AIModelConfig, scheduled.id).input_price_per_1m == Decimal("0.20")
    [entry] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == price_schedule.PROMOTION))
    assert entry.actor_label == "price schedule"
    assert entry.changes["input_price_per_1m"] == ["0.15", "0.20"]


def test_the_cli_promotes_what_fell_due_and_names_the_next_change(app, db, scheduled,
                                                                  monkeypatch):
    result = app.test_cli_runner().invoke(args=["prices", "promote"])
    assert result.exit_code == 0
    assert "0 models promoted." in result.output
    assert "Next scheduled change: 2031-01-01" in result.output
    monkeypatch.setattr(prices, "utcnow", lambda: LATER)
    result = app.test_cli_runner().invoke(args=["prices", "promote"])
    assert "Promoted: GPT-4o Mini (gpt-4o-mini)" in result.output
    assert "1 model promoted." in result.output and "Next scheduled change: none" in result.output
    db.session.expire_all()
    assert db.session.get(AIModelConfig, scheduled.id).output_price_per_1m == Decimal("0.80")
