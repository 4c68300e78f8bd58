"""The model page's price history (table, chart, marks, corrections) and the form's version
fields, as admins and support see them."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from igny8.models import AIModelConfig
from igny8.models.audit import AuditEntry
from igny8.services import audit, price_versions, prices
from igny8.services.catalogue import create_model
from tests.helpers.pages import GLOBAL_URL, form_values, options, text

USER = audit.Actor("user", None, "admin@example.com")
PAST = datetime(2026, 6, 1, tzinfo=timezone.utc)


@pytest.fixture
def mini(db):
    """A priced text model with a past version, the one in force and a scheduled one."""
    model = create_model(provider="openai", model_type="text", model_name="gpt-4o-mini",
                         display_name="GPT-4o Mini", is_active=True,
                         input_price_per_1m=Decimal("0.15"), output_price_per_1m=Decimal("0.60"))
    prices.add_version(model.id, {"input_price_per_1m": "0.10", "output_price_per_1m": "0.40"},
                       USER, effective_from=PAST)
    prices.add_version(model.id, {"input_price_per_1m": "0.20", "output_price_per_1m": "0.80",
                                  "tier_threshold_tokens": 200000,
                                  "tier_input_price_per_1m": "0.40"},
                       USER, effective_from="2031-01-01T00:00:00Z")
    return model


@pytest.mark.parametrize("role", ["admin", "support"])
def test_the_model_page_shows_the_history_table_and_the_chart(client, auth, mini, role):
    auth.login(role=role)
    page = text(client.get(f"/admin/ai-models/{mini.id}"))
    assert "Price history" in page and page.count('class="price-version') == 3
    assert "2031-01-01 00:00" in page and ">scheduled</span>" in page and ">in force</span>" in page
    assert "above 200,000 input tokens: $0.40 / base / base" in page
    assert "<svg" in page and "GPT-4o Mini: prices over time" in page
    assert "Input $/1M (scheduled)" in page and "<g stroke-dasharray=" in page  # dashed
    assert "all of that request's tokens" in page
    assert ("Correct this version" in page) == (role == "admin")


def test_an_admin_corrects_a_version_and_is_offered_a_re_costing(client, auth, db, mini):
    auth.login(role="admin")
    past = price_versions.versions_of(mini.id)[0]
    data = {f"v{past.id}-{name}": value for name, value in
            {"input_price_per_1m": "0.12", "output_price_per_1m": "0.40",
             "source": "invoice", "checked_on": "2026-06-02"}.items()}
    response = client.post(f"/admin/ai-models/{mini.id}/prices/{past.id}/correct", data=data)
    assert response.status_code == 302 and "recost_since=2026-06-01" in response.location
    page = text(client.get(response.location))
    assert "Corrected the prices of GPT-4o Mini" in page and "Preview re-costing" in page
    assert f"/credits/recost/new?model_id={mini.id}&since=2026-06-01" in page
    db.session.expire_all()
    assert price_versions.versions_of(mini.id)[0].input_price_per_1m == Decimal("0.12")
    [entry] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "price_correction"))
    assert entry.changes["input_price_per_1m"] == ["0.10", "0.12"]
    assert entry.actor_label == auth.user.email


def test_a_bad_correction_is_shown_next_to_its_field_and_changes_nothing(client, auth, db, mini):
    auth.login(role="admin")
    past = price_versions.versions_of(mini.id)[0]
    data = {f"v{past.id}-input_price_per_1m": "0.12", f"v{past.id}-output_price_per_1m": "",
            f"v{past.id}-tier_input_price_per_1m": "1"}
    response = client.post(f"/admin/ai-models/{mini.id}/prices/{past.id}/correct", data=data)
    assert response.status_code == 400
    page = text(response)
    assert "output_price_per_1m is required" in page
    assert "needs tier_threshold_tokens" in page
    db.session.expire_all()
    assert price_versions.versions_of(mini.id)[0].input_price_per_1m == Decimal("0.10")


def test_support_cannot_correct(client, auth, db, mini):
    auth.login(role="support")
    past = price_versions.versions_of(mini.id)[0]
    response = client.post(f"/admin/ai-models/{mini.id}/prices/{past.id}/correct",
                           data={f"v{past.id}-input_price_per_1m": "9"})
    assert response.status_code == 403
    db.session.expire_all()
    assert price_versions.versions_of(mini.id)[0].input_price_per_1m == Decimal("0.10")


def test_the_edit_form_offers_the_tier_and_a_future_date(client, auth, db, mini):
    auth.login(role="admin")
    page = text(client.get(f"/admin/ai-models/{mini.id}/edit"))
    assert "Long-context threshold" in page and "Prices effective from (UTC)" in page
    assert "apply to ALL of that request's tokens" in page
    data = form_values(page, "model-form")
    data.update({"input_price_per_1m": "0.30", "effective_from": "2032-01-01T00:00",
                 "tier_threshold_tokens": "128000", "tier_output_price_per_1m": "2"})
    response = client.post(f"/admin/ai-models/{mini.id}/edit", data=data)
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    assert db.session.get(AIModelConfig, mini.id).input_price_per_1m == Decimal("0.15")
    last = price_versions.versions_of(mini.id)[-1]
    assert (last.effective_from.year, last.input_price_per_1m) == (2032, Decimal("0.30"))
    assert last.tier_threshold_tokens == 128000


def test_a_past_dated_edit_offers_a_re_costing(client, auth, db, mini):
    auth.login(role="admin")
    data = form_values(text(client.get(f"/admin/ai-models/{mini.id}/edit")), "model-form")
    data.update({"output_price_per_1m": "0.55", "effective_from": "2026-09-01T00:00"})
    response = client.post(f"/admin/ai-models/{mini.id}/edit", data=data)
    assert response.status_code == 302 and "recost_since=2026-09-01" in response.location
    assert "Preview re-costing" in text(client.get(response.location))


def test_a_half_tier_in_the_form_is_refused_with_the_field_named(client, auth, db, mini):
    auth.login(role="admin")
    data = form_values(text(client.get(f"/admin/ai-models/{mini.id}/edit")), "model-form")
    data.update({"tier_threshold_tokens": "", "tier_input_price_per_1m": "0.5",
                 "effective_from": "soon"})
    response = client.post(f"/admin/ai-models/{mini.id}/edit", data=data)
    assert response.status_code == 400
    page = text(response)
    assert "Prices effective from (UTC) must be a date and time" in page
    assert len(price_versions.versions_of(mini.id)) == 3


def test_the_list_marks_a_scheduled_change_next_to_the_price_in_force(client, auth, mini):
    auth.login(role="support")
    listed = text(client.get("/admin/ai-models/?q=gpt-4o-mini"))
    assert "$0.15" in listed and "$0.20 from 2031-01-01" in listed
    assert 'class="badge text-bg-warning scheduled-price"' in listed


def test_the_settings_dropdowns_mark_a_scheduled_change(client, auth, db, mini):
    auth.login("admin")
    page = text(client.get(GLOBAL_URL))
    assert "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens · $0.20/$0.80 per 1M tokens" \
        " from 2031-01-01" in options(page, "openai_model")
    assert "from 2031-01-01" in " ".join(options(text(client.get(GLOBAL_URL)), "openai_model"))
