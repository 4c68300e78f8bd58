"""History pages: the global audit log (filters, pagination) and one object's changes."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from igny8.history.views import PER_PAGE
from igny8.models import AuditEntry

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def entry(db, minutes=0, **fields) -> AuditEntry:
    """An audit entry `minutes` after T0."""
    values = {"action": "update", "object_type": "ai_model", "object_id": "1",
              "object_repr": "GPT-4o Mini", "changes": {}, "actor_label": "ada@igny8.test",
              "created_at": T0 + timedelta(minutes=minutes), **fields}
    row = AuditEntry(**values)
    db.session.add(row)
    return row


@pytest.fixture
def log(db):
    """Five entries: two models, the global settings and a user, over three days."""
    entry(db, 0, action="create", changes={"model_name": [None, "gpt-4o-mini"]})
    entry(db, 60, changes={"input_price_per_1m": ["0.15", "0.20"]}, actor_label="cli")
    entry(db, 60 * 24, object_id="2", object_repr="Claude 3 Haiku", action="deactivate",
          changes={"is_active": [True, False]})
    entry(db, 60 * 48, object_type="global_settings", object_repr="Global integration settings",
          changes={"text_model": ["GPT-4o Mini (id 1)", "Claude 3 Haiku (id 2)"]},
          actor_label="api-key:ci")
    entry(db, 60 * 49, object_type="user", object_id="5", object_repr="ops@igny8.test",
          action="create", actor_label="system")
    db.session.commit()


def objects(page: str) -> list[str]:
    """The object links of the history table, top to bottom."""
    return re.findall(r'href="/admin/history/[a-z_]+/\d+">([^<]+)</a>', page)


def test_global_log_lists_newest_first_with_field_changes(client, auth, log):
    auth.login(role="support")
    response = client.get("/admin/history/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "5 entries, page 1 of 1." in page
    assert objects(page) == ["ops@igny8.test", "Global integration settings", "Claude 3 Haiku",
                             "GPT-4o Mini", "GPT-4o Mini"]
    assert "2026-11-20 10:30:00" in page and "api-key:ci" in page
    assert re.search(r'<td class="before">\$0.15</td>\s*<td class="after">\$0.20</td>', page)


@pytest.mark.parametrize("query,expected", [
    ("object_type=ai_model", ["Claude 3 Haiku", "GPT-4o Mini", "GPT-4o Mini"]),
    ("action=create", ["ops@igny8.test", "GPT-4o Mini"]),
    ("actor=API-KEY", ["Global integration settings"]),
    ("date_from=2026-11-21&date_to=2026-11-21", ["Claude 3 Haiku"]),
    ("date_from=2026-11-22", ["ops@igny8.test", "Global integration settings"]),
    ("object_type=ai_model&action=update&actor=cli", ["GPT-4o Mini"]),
    ("action=delete", []),
])
def test_filters(client, auth, log, query, expected):
    auth.login(role="admin")
    response = client.get(f"/admin/history/?{query}")
    assert response.status_code == 200
    assert objects(response.get_data(as_text=True)) == expected
    if not expected:
        assert "No recorded changes match these filters." in response.get_data(as_text=True)


@pytest.mark.parametrize("query,message", [
    ("date_from=yesterday", "Not a valid date value."),
    ("date_from=2026-11-22&date_to=2026-11-21", "The end date is before the start date."),
])
def test_bad_filters_are_named(client, auth, log, query, message):
    auth.login(role="admin")
    response = client.get(f"/admin/history/?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and "Fix the filters above" in page
    assert objects(page) == []


def test_pagination_keeps_the_filters(client, auth, db):
    for number in range(PER_PAGE + 7):
        entry(db, number, object_id=str(number), object_repr=f"Model {number}")
    entry(db, 999, object_type="user", object_repr="not listed")
    db.session.commit()
    auth.login(role="admin")

    first = client.get("/admin/history/?object_type=ai_model").get_data(as_text=True)
    assert f"{PER_PAGE + 7} entries, page 1 of 2." in first
    assert len(objects(first)) == PER_PAGE
    assert 'href="/admin/history/?object_type=ai_model&amp;page=2">Next</a>' in first

    second = client.get("/admin/history/?page=2&object_type=ai_model").get_data(as_text=True)
    assert objects(second) == [f"Model {n}" for n in range(6, -1, -1)]
    assert "Previous" in second and "Next</a>" not in second


def test_object_history_shows_who_when_and_before_after(client, auth, log):
    auth.login(role="support")
    response = client.get("/admin/history/ai_model/1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "History of GPT-4o Mini" in page and "Claude 3 Haiku" not in page
    assert page.index("by cli") < page.index("by ada@igny8.test")  # newest first
    assert "on 2026-11-20 10:30:00 UTC" in page
    assert re.search(r'<td class="before">\$0.15</td>\s*<td class="after">\$0.20</td>', page)
    assert re.search(r'<td class="before">—</td>\s*<td class="after">gpt-4o-mini</td>', page)


def test_object_without_history(client, auth, log):
    auth.login(role="admin")
    response = client.get("/admin/history/ai_model/404")
    assert response.status_code == 200
    assert "No recorded changes for this AI model." in response.get_data(as_text=True)


def test_user_creation_from_the_cli_appears_in_history(app, client, auth):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "new@igny8.test", "--role", "support", "--password-stdin"],
        input="a long enough secret\n")
    assert result.exit_code == 0
    auth.login(role="admin")
    page = client.get("/admin/history/?object_type=user").get_data(as_text=True)
    assert objects(page) == ["new@igny8.test"] and "cli" in page


def test_object_history_links_to_the_object_page(client, auth, log):
    auth.login(role="admin")
    page = client.get("/admin/history/ai_model/1").get_data(as_text=True)
    assert '<a href="/admin/ai-models/1">open this AI model</a>' in page
    settings = client.get("/admin/history/global_settings/1").get_data(as_text=True)
    assert '<a href="/admin/settings/global">open this global integration settings</a>' in settings
    odd = client.get("/admin/history/ai_model/abc").get_data(as_text=True)
    assert "open this" not in odd


def test_history_reads_as_labels_and_words(client, auth, db):
    entry(db, 0, action="create", changes={
        "model_name": [None, "gpt-4o-mini"], "is_active": [None, True], "aliases": [None, []],
        "notes": [None, ""], "price_per_image": [None, None], "context_window": [None, 128000],
        "output_price_per_1m": [None, "1500.5"]})
    entry(db, 5, changes={"is_active": [False, True], "aliases": [[], ["runware:101@1", "v2"]],
                          "model_type": ["text", "image"]})
    db.session.commit()
    auth.login(role="support")
    page = " ".join(client.get("/admin/history/ai_model/1").get_data(as_text=True).split())
    rows = re.findall(r'<th scope="row">([^<]+)</th> <td class="before">([^<]*)</td> '
                      r'<td class="after">([^<]*)</td>', page)
    assert rows == [  # newest entry first; fields in the form's order on both databases
        ("Type", "Text", "Image"), ("Status", "Inactive", "Active"),
        ("Aliases", "none", "runware:101@1, v2"),
        ("Model name", "—", "gpt-4o-mini"), ("Status", "—", "Active"),
        ("Context window", "—", "128,000"), ("Output price", "—", "$1,500.50"),
    ]
    assert "is_active" not in page and "Notes" not in page and "Price per image" not in page


def test_unknown_object_type_is_a_404(client, auth, log):
    auth.login(role="admin")
    assert client.get("/admin/history/bogus/1").status_code == 404
    assert client.get("/admin/history/ai_model/404").status_code == 200  # known type, no entries


def test_a_deleted_object_offers_no_open_link(client, auth, db):
    entry(db, 0, action="create", changes={"model_name": [None, "gpt-4o-mini"]})
    entry(db, 5, action="delete", changes={"model_name": ["gpt-4o-mini", None],
                                           "notes": ["", None]})
    db.session.commit()
    auth.login(role="admin")
    page = client.get("/admin/history/ai_model/1").get_data(as_text=True)
    assert "open this" not in page and "This AI model was deleted; its history stays." in page
    assert "Notes" not in page  # an empty field of a deleted object is not listed


def test_a_column_heading_sorts_the_log_keeping_the_filters(client, auth, db):
    entry(db, 1, actor_label="cli", object_id="1", object_repr="First")
    entry(db, 2, actor_label="ada@igny8.test", object_id="2", object_repr="Second")
    entry(db, 3, actor_label="bob@igny8.test", object_id="3", object_repr="Third")
    entry(db, 4, object_type="user", actor_label="ada@igny8.test", object_repr="not listed")
    db.session.commit()
    auth.login(role="support")
    newest = client.get("/admin/history/?object_type=ai_model").get_data(as_text=True)
    assert objects(newest) == ["Third", "Second", "First"]
    assert 'href="/admin/history/?object_type=ai_model&amp;sort=who"' in newest
    by_who = client.get("/admin/history/?object_type=ai_model&sort=who").get_data(as_text=True)
    assert objects(by_who) == ["Second", "Third", "First"]
    assert "3 entries, page 1 of 1." in by_who
    oldest = client.get("/admin/history/?object_type=ai_model&sort=when").get_data(as_text=True)
    assert objects(oldest) == ["First", "Second", "Third"]
