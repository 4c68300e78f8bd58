"""The API keys list through the list engine: active keys first and newest first, sorts, the
status and scope filters with counts, search by name or prefix."""
import re

from igny8.services import api_keys

URL = "/admin/api-keys/"


def names(page: str) -> list[str]:
    """The key names the list shows, in order."""
    return re.findall(r'<td data-column="name">([^<]+)</td>', page)


def make_keys(admin) -> dict:
    """Three keys, the middle one revoked."""
    made = {name: api_keys.create_key(name, scope, actor=admin)[0]
            for name, scope in (("alpha-job", "read"), ("beta-job", "write"),
                                ("gamma-job", "read"))}
    api_keys.revoke_key(made["beta-job"], actor=admin)
    return made


def test_active_keys_first_then_newest_and_sortable(client, auth, db):
    make_keys(auth.login(role="admin"))
    assert names(client.get(URL).get_data(as_text=True)) == ["gamma-job", "alpha-job", "beta-job"]
    by_name = client.get(URL, query_string={"sort": "-name"}).get_data(as_text=True)
    assert names(by_name) == ["gamma-job", "beta-job", "alpha-job"]
    by_scope = client.get(URL, query_string={"sort": "-scope"}).get_data(as_text=True)
    assert names(by_scope)[0] == "beta-job"


def test_filters_by_status_and_scope_with_counts_and_searches(client, auth, db):
    made = make_keys(auth.login(role="admin"))
    page = client.get(URL).get_data(as_text=True)
    counts = dict(re.findall(r'>(Active|Revoked|Read only|Read and write)\s*'
                             r'<span class="badge[^"]*">(\d+)</span>', page))
    assert counts == {"Active": "2", "Revoked": "1", "Read only": "2", "Read and write": "1"}
    revoked = client.get(URL, query_string={"status": "revoked"}).get_data(as_text=True)
    assert names(revoked) == ["beta-job"] and "Revoke beta-job" not in revoked
    reads = client.get(URL, query_string={"scope": "read", "status": "active"})
    assert names(reads.get_data(as_text=True)) == ["gamma-job", "alpha-job"]
    found = client.get(URL, query_string={"q": made["alpha-job"].prefix}).get_data(as_text=True)
    assert names(found) == ["alpha-job"]
    none = client.get(URL, query_string={"q": "nothing"}).get_data(as_text=True)
    assert names(none) == [] and "No keys match." in none
