"""Lifecycle states from the deprecation date, their badges and labels, and the successor rule."""
import re
from datetime import date, timedelta

import pytest

from igny8 import lifecycle
from igny8.errors import ValidationFailed
from igny8.services import catalogue
from tests.helpers.app import TODAY
from tests.factories import ImageModelFactory, TextModelFactory
from tests.helpers.pages import model_form_data, options, text
from tests.helpers.rows import commit

BASE = "/admin/ai-models"


def visible(response) -> str:
    """The page's text as a reader sees it: tags removed, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


@pytest.mark.parametrize(("days", "state"), [
    (None, "active"), (-30, "retired"), (-1, "retired"),
    (0, "retired"),  # the deprecation day itself: the provider has shut it down
    (1, "retiring"), (60, "retiring"),  # exactly N days away is still retiring
    (61, "active"),
])
def test_state_boundaries_with_the_default_window(app, days, state):
    deprecation = None if days is None else TODAY + timedelta(days=days)
    assert lifecycle.date_state(deprecation, TODAY) == state


def test_the_window_is_a_setting(app):
    app.config["IGNY8_RETIRING_DAYS"] = 10
    try:
        assert lifecycle.date_state(TODAY + timedelta(days=10), TODAY) == "retiring"
        assert lifecycle.date_state(TODAY + timedelta(days=11), TODAY) == "active"
    finally:
        app.config["IGNY8_RETIRING_DAYS"] = 60


def test_inactive_wins_over_the_date(db):
    model = TextModelFactory(is_active=False, deprecation_date=TODAY - timedelta(days=3))
    assert model.state == "inactive"


def test_labels_carry_the_badge(db):
    mini = TextModelFactory(gpt_4o_mini=True, deprecation_date=date(2027, 1, 14))
    dalle = ImageModelFactory(dall_e_3=True, deprecation_date=date(2026, 5, 12))
    later = TextModelFactory(display_name="Later", model_name="later",
                             deprecation_date=date(2027, 6, 1))
    assert mini.label == (
        "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens · retires 2027-01-14")
    assert dalle.label == "DALL-E 3 (dall-e-3) - $0.04 per image · retired 2026-05-12"
    assert later.label == "Later (later) - $0.15/$0.60 per 1M tokens"
    assert mini.plain_label == "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens"


def test_states_move_with_the_day(db, set_today):
    mini = TextModelFactory(gpt_4o_mini=True, deprecation_date=date(2027, 1, 14))
    set_today(date(2026, 11, 14))
    assert mini.state == "active"
    set_today(date(2026, 11, 15))  # 60 days before
    assert mini.state == "retiring"
    set_today(date(2027, 1, 14))
    assert mini.state == "retired"


def test_dropdowns_show_the_badge(client, auth, db):
    ImageModelFactory(dall_e_3=True, deprecation_date=date(2026, 5, 12))
    commit()
    auth.login("admin")
    page = client.get("/admin/settings/global").get_data(as_text=True)
    assert "DALL-E 3 (dall-e-3) - $0.04 per image · retired 2026-05-12" in options(
        page, "dalle_model")


@pytest.fixture
def lifecycle_models(db):
    """One model in each state."""
    models = {
        "active": TextModelFactory(display_name="A Active", model_name="a-active"),
        "retiring": TextModelFactory(display_name="B Retiring", model_name="b-retiring",
                                     deprecation_date=TODAY + timedelta(days=60)),
        "retired": TextModelFactory(display_name="C Retired", model_name="c-retired",
                                    deprecation_date=TODAY),
        "inactive": TextModelFactory(display_name="D Inactive", model_name="d-inactive",
                                     is_active=False, deprecation_date=TODAY),
    }
    commit()
    return models


def rows(client, query: str) -> list[str]:
    """The model names the catalogue list shows, in order."""
    html = client.get(BASE + "/" + query).get_data(as_text=True)
    return re.findall(r'<code>([^<]+)</code>', html)


def test_list_filters_counts_and_sorts_by_state(client, auth, lifecycle_models):
    auth.login("support")
    for state in ("active", "retiring", "retired", "inactive"):
        assert rows(client, f"?state={state}") == [lifecycle_models[state].model_name]
    page = visible(client.get(BASE + "/"))
    assert "Retiring 1" in page and "Retired 1" in page and "Inactive 1" in page
    assert "Retiring " + (TODAY + timedelta(days=60)).isoformat() in page
    assert rows(client, "?sort=-is_active") == ["d-inactive", "c-retired", "b-retiring", "a-active"]
    assert rows(client, "?sort=is_active") == ["a-active", "b-retiring", "c-retired", "d-inactive"]


def test_list_state_follows_the_day_without_a_write(client, auth, lifecycle_models, set_today):
    auth.login("support")
    assert rows(client, "?state=retiring") == ["b-retiring"]
    set_today(TODAY + timedelta(days=60))
    assert rows(client, "?state=retiring") == []
    assert rows(client, "?state=retired") == ["b-retiring", "c-retired"]


def test_detail_page_shows_badge_and_successor(client, auth, db):
    new = TextModelFactory(display_name="GPT-4.1", model_name="gpt-4.1")
    old = TextModelFactory(display_name="GPT-3.5", model_name="gpt-3.5",
                           deprecation_date=TODAY + timedelta(days=5), successor_id=new.id)
    commit()
    auth.login("support")
    page = visible(client.get(f"{BASE}/{old.id}"))
    assert "Retiring " + (TODAY + timedelta(days=5)).isoformat() in page
    assert "Successor GPT-4.1 gpt-4.1" in page


def test_form_sets_the_successor(client, auth, db):
    new = TextModelFactory(display_name="Newer", model_name="newer")
    commit()
    auth.login("admin")
    response = client.post(BASE + "/new", data=model_form_data(successor_id=str(new.id)))
    assert response.status_code == 302
    stored = catalogue.find_by_name("openai", "gpt-4.1")
    assert stored.successor_id == new.id


def test_form_refuses_a_successor_of_another_type(client, auth, db):
    image = ImageModelFactory(display_name="Pic", model_name="pic")
    commit()
    auth.login("admin")
    response = client.post(BASE + "/new", data=model_form_data(successor_id=str(image.id)))
    assert response.status_code == 400
    assert "The successor must be a text model like this one; Pic is an image model" in text(
        response)
    assert catalogue.find_by_name("openai", "gpt-4.1") is None


@pytest.mark.parametrize("case", ["itself", "missing", "image", "two-cycle", "three-cycle"])
def test_successor_rule(db, case):
    a = TextModelFactory(model_name="a")
    b = TextModelFactory(model_name="b", successor_id=a.id)
    c = TextModelFactory(model_name="c", successor_id=b.id)
    image = ImageModelFactory()
    commit()
    target = {"itself": a.id, "missing": 999_999, "image": image.id, "two-cycle": b.id,
              "three-cycle": c.id}[case]
    with pytest.raises(ValidationFailed) as refused:
        catalogue.update_model(a, successor_id=target)
    assert "successor_id" in refused.value.fields
    db.session.refresh(a)
    assert a.successor_id is None


def test_deleting_the_successor_clears_it(db):
    new = TextModelFactory(model_name="new")
    old = TextModelFactory(model_name="old", successor_id=new.id)
    commit()
    catalogue.delete_model(new)
    db.session.expire_all()
    assert old.successor_id is None
