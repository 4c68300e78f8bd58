"""The health dashboard at /admin/: each check on its own, the account filter each count links
to, and a constant number of queries whatever the number of accounts and models."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from igny8.services import audit, catalogue
from tests.helpers.app import TODAY
from tests.factories import (
    AccountFactory, GlobalSettingsFactory, ImageModelFactory, IntegrationSettingsFactory,
    TextModelFactory,
)
from tests.helpers.pages import text
from tests.helpers.rows import commit

RECENT = date(2026, 11, 25)


def visible(html: str) -> str:
    """Text as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def card(client, card_id: str) -> str:
    """The visible text of one dashboard card."""
    page = text(client.get("/admin/"))
    match = re.search(rf'id="{card_id}-card">(.*?)</section>', page, re.S)
    assert match, card_id
    return visible(match.group(1))


def healthy_model(**fields):
    """A priced, recently checked, active text model with no deprecation date."""
    return TextModelFactory(price_checked_on=RECENT, **fields)


@pytest.fixture
def admin(client, auth):
    """The client signed in as an admin."""
    auth.login("admin")
    return client


def test_healthy_catalogue_shows_nothing_to_look_at(admin, db):
    GlobalSettingsFactory(openai_model=healthy_model(), text_model=healthy_model())
    commit()
    page = visible(text(admin.get("/admin/")))
    assert "nothing to look at" in page
    assert "Every global slot uses an active model that is not retiring." in page
    assert "No active model is past its deprecation date." in page
    assert "Every model has the prices its type needs." in page


@pytest.mark.parametrize(("days", "active", "badge"), [
    (0, True, "Retired"), (30, True, "Retiring"), (None, False, "Inactive")])
def test_global_slot_on_a_model_needing_attention(admin, db, days, active, badge):
    deprecation = None if days is None else TODAY + timedelta(days=days)
    model = healthy_model(display_name="Old One", deprecation_date=deprecation, is_active=active)
    GlobalSettingsFactory(text_model=model, openai_model=healthy_model())
    commit()
    shown = card(admin, "global-slots")
    assert "Text model (any provider): Old One " + badge in shown
    assert "choose another model" in shown
    assert "OpenAI text model" not in shown


def test_active_models_past_their_deprecation_date(admin, db):
    healthy_model(display_name="Gone", deprecation_date=TODAY)
    healthy_model(display_name="Soon", deprecation_date=TODAY + timedelta(days=1))
    healthy_model(display_name="Off", is_active=False, deprecation_date=TODAY - timedelta(days=9))
    commit()
    shown = card(admin, "past-deprecation")
    assert shown.startswith("Active models past their deprecation date 1 ")
    assert "Gone" in shown and "Soon" not in shown and "Off" not in shown


def test_models_without_complete_prices(admin, db):
    TextModelFactory(display_name="Half", is_active=False, output_price_per_1m=None,
                     price_checked_on=RECENT)
    ImageModelFactory(display_name="Unpriced", is_active=False, price_per_image=None)
    healthy_model(display_name="Fine")
    commit()
    shown = card(admin, "missing-prices")
    assert shown.startswith("Models without complete prices 2 ")
    assert "Half" in shown and "Unpriced" in shown and "Fine" not in shown


def test_prices_checked_more_than_90_days_ago(admin, db):
    TextModelFactory(display_name="Ancient", price_checked_on=TODAY - timedelta(days=91))
    TextModelFactory(display_name="Edge", price_checked_on=TODAY - timedelta(days=90))
    TextModelFactory(display_name="Never", price_checked_on=None)
    commit()
    shown = card(admin, "stale-prices")
    assert shown.startswith("Prices not checked in 90 days 2 ")
    assert "Ancient" in shown and "checked never" in shown and "Edge" not in shown


def overrides(db):
    """One account per override problem, one healthy account, and one with two problems."""
    text_model = healthy_model(display_name="Good")
    image = ImageModelFactory(price_checked_on=RECENT)
    off = healthy_model(is_active=False)
    retired = healthy_model(deprecation_date=TODAY)
    configs = {
        "missing-acct": {"text_model_id": 999_999},
        "junk-acct": {"openai_model_id": "abc"},
        "wrong-acct": {"text_model_id": image.id},
        "inactive-acct": {"openai_model_id": off.id},
        "retired-acct": {"text_model_id": retired.id},
        "both-acct": {"text_model_id": off.id, "dalle_model_id": text_model.id},
        "good-acct": {"text_model_id": text_model.id},
    }
    for name, config in configs.items():
        IntegrationSettingsFactory(account=AccountFactory(name=name), config=config)
    AccountFactory(name="plain-acct")
    commit()


def test_account_overrides_counted_per_problem(admin, db):
    overrides(db)
    archived = IntegrationSettingsFactory(account=AccountFactory(name="archived-acct"),
                                          config={"text_model_id": 999_998}).account
    archived.archived_at = datetime.now(timezone.utc)  # archived: nothing to fix, not counted
    commit()
    shown = card(admin, "account-overrides")
    assert "2 accounts point at a model that does not exist" in shown
    assert "2 accounts point at a model of the wrong provider or type" in shown
    assert "2 accounts point at an inactive model" in shown
    assert "1 account point at a retired model" in shown


@pytest.mark.parametrize(("problem", "names"), [
    ("missing", ["junk-acct", "missing-acct"]), ("wrong_type", ["both-acct", "wrong-acct"]),
    ("inactive", ["both-acct", "inactive-acct"]), ("retired", ["retired-acct"])])
def test_each_count_links_to_the_filtered_account_list(admin, db, problem, names):
    overrides(db)
    page = text(admin.get("/admin/"))
    link = re.search(rf'id="overrides-{problem}">\s*<a href="([^"]+)"', page).group(1)
    listed = text(admin.get(link))
    assert re.findall(r'<a href="/admin/settings/accounts/\d+">([^<]+)</a>', listed) == names


def test_the_last_ten_changes(admin, db):
    models = [healthy_model(display_name=f"M{n}") for n in range(12)]
    commit()
    for model in models:
        catalogue.update_model(model, notes="checked", actor=audit.SYSTEM)
    shown = card(admin, "recent-changes")
    assert len(re.findall(r"\bupdate M\d+", shown)) == 10
    assert "update M11 " in shown and "update M1 " not in shown


def test_query_count_does_not_grow_with_accounts_and_models(admin, db, count_queries):
    def queries() -> int:
        with count_queries() as counter:
            assert admin.get("/admin/").status_code == 200
        return counter.count

    overrides(db)
    few = queries()
    for n in range(30):
        model = healthy_model(is_active=bool(n % 2), deprecation_date=TODAY)
        IntegrationSettingsFactory(config={"text_model_id": model.id, "dalle_model_id": 0})
    commit()
    assert queries() == few
