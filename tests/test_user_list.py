"""The users list through the list engine: admins first then by email, sorts, the role and state
filters with counts, search by email, one form for every row button."""
import re

from tests.factories import UserFactory

URL = "/admin/users/"


def emails(page: str) -> list[str]:
    """The emails the list shows, in order."""
    return re.findall(r'<td class="text-break" data-column="email">([^< ]+)', page)


def test_admins_first_then_by_email_and_sortable(client, auth, db):
    auth.login(role="admin", email="zed-admin@igny8.test")
    UserFactory(role="support", email="amy@igny8.test")
    UserFactory(role="support", email="bob@igny8.test", is_active=False)
    db.session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert emails(page) == ["zed-admin@igny8.test", "amy@igny8.test", "bob@igny8.test"]
    assert 'zed-admin@igny8.test <span class="text-muted">(you)</span>' in page
    by_email = client.get(URL, query_string={"sort": "email"}).get_data(as_text=True)
    assert emails(by_email) == ["amy@igny8.test", "bob@igny8.test", "zed-admin@igny8.test"]
    by_state = client.get(URL, query_string={"sort": "-state"}).get_data(as_text=True)
    assert emails(by_state)[0] == "bob@igny8.test"


def test_filters_by_role_and_state_with_counts_and_searches(client, auth, db):
    auth.login(role="admin", email="zed-admin@igny8.test")
    UserFactory(role="support", email="amy@igny8.test")
    UserFactory(role="support", email="bob@igny8.test", is_active=False)
    db.session.commit()
    page = client.get(URL).get_data(as_text=True)
    counts = dict(re.findall(r'>(admin|support|Active|Inactive)\s*'
                             r'<span class="badge[^"]*">(\d+)</span>', page))
    assert counts == {"admin": "1", "support": "2", "Active": "2", "Inactive": "1"}
    support = client.get(URL, query_string={"role": "support", "active": "1"})
    assert emails(support.get_data(as_text=True)) == ["amy@igny8.test"]
    found = client.get(URL, query_string={"q": "BOB@"}).get_data(as_text=True)
    assert emails(found) == ["bob@igny8.test"]
