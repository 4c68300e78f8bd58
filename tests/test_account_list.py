"""The accounts list through the list engine: accent-free and `#id` search, sorts, the slot,
model and archived filters with their counts, pages beyond the end, the bulk checkboxes."""
import re
from datetime import datetime, timedelta, timezone

from igny8.services import accounts as account_service
from tests.factories import AccountFactory, IntegrationSettingsFactory
from tests.helpers.pages import options, selected, text

URL = "/admin/settings/accounts"
ROW = r'<tr id="account-\d+">.*?data-column="name"><a href="[^"]+">([^<]+)</a>'


def listed(page: str) -> list[str]:
    """The account names the list shows, in order."""
    return re.findall(ROW, page, re.S)


def summary(page: str) -> str:
    """The sentence counting the accounts shown."""
    return " ".join(re.search(r'<p class="text-muted list-summary"[^>]*>(.*?)</p>', page,
                              re.S).group(1).split())


def overriding(db, catalogue) -> dict:
    """Four accounts: two override the OpenAI text slot (to two models), one the image slot."""
    gpt, gpt4, dalle = (catalogue[key].id for key in ("gpt", "gpt4", "dalle"))
    made = {
        "Alpha": {"openai_model_id": gpt, "dalle_model_id": dalle},
        "Bravo": {"openai_model_id": gpt4},
        "Charlie": {"text_model_id": gpt},
        "Delta": {},
    }
    accounts = {name: IntegrationSettingsFactory(account__name=name, config=config).account
                for name, config in made.items()}
    db.session.commit()
    return accounts


def test_search_ignores_accents_and_case_and_takes_hash_ids(client, auth, db):
    societe = AccountFactory(name="Société Générale")
    AccountFactory(name="Plain Books")
    db.session.commit()
    auth.login("support")
    for typed in ("Societe", "GÉNÉRALE", "société gen", f"#{societe.id}"):
        page = text(client.get(URL, query_string={"q": typed}))
        assert listed(page) == ["Société Générale"], typed
        assert summary(page) == f"1 account matching “{typed}”."


def test_a_renamed_account_is_found_by_its_new_name_without_accents(client, auth, db):
    account = AccountFactory(name="Old Name")
    db.session.commit()
    account_service.update_account(account.id, name="Café Crème", expected_version=1)
    auth.login("support")
    assert listed(text(client.get(URL, query_string={"q": "cafe creme"}))) == ["Café Crème"]
    assert listed(text(client.get(URL, query_string={"q": "old"}))) == []


def test_sorts_by_name_id_overrides_and_dates(client, auth, db, catalogue):
    accounts = overriding(db, catalogue)
    accounts["Bravo"].created_at = datetime.now(timezone.utc) - timedelta(days=9)
    db.session.commit()
    auth.login("support")
    sorted_by = {sort: listed(text(client.get(URL, query_string={"sort": sort})))
                 for sort in ("", "-name", "id", "-id", "-overrides", "created")}
    assert sorted_by[""] == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert sorted_by["-name"] == ["Delta", "Charlie", "Bravo", "Alpha"]
    assert sorted_by["id"] == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert sorted_by["-id"] == ["Delta", "Charlie", "Bravo", "Alpha"]
    assert sorted_by["-overrides"] == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert sorted_by["created"][0] == "Bravo"
    page = text(client.get(URL, query_string={"sort": "-overrides"}))
    assert 'aria-sort="descending"' in page and ">Overridden slots</a>" in page


def test_filters_by_slot_and_by_model_with_counts(client, auth, db, catalogue):
    overriding(db, catalogue)
    gpt, gpt4 = catalogue["gpt"], catalogue["gpt4"]
    auth.login("support")
    page = text(client.get(URL))
    assert options(page, "slot") == [
        "Any slot", "OpenAI text model (2)", "DALL-E image model (1)",
        "Runware image model (0)", "Text model (any provider) (1)"]
    # only the models some override points at, each with its accounts
    assert sorted(options(page, "model")[1:]) == sorted([
        f"{catalogue['dalle'].display_name} ({catalogue['dalle'].model_name}) (1)",
        f"{gpt.display_name} ({gpt.model_name}) (2)",
        f"{gpt4.display_name} ({gpt4.model_name}) (1)"])
    page = text(client.get(URL, query_string={"slot": "openai_model"}))
    assert listed(page) == ["Alpha", "Bravo"]
    assert summary(page) == "2 accounts overriding the OpenAI text model."
    page = text(client.get(URL, query_string={"model": gpt.id}))
    assert listed(page) == ["Alpha", "Charlie"]
    assert selected(page, "model") == f"{gpt.display_name} ({gpt.model_name}) (2)"
    # both: the same override must match (Charlie's text slot, not its OpenAI slot, is gpt)
    page = text(client.get(URL, query_string={"slot": "openai_model", "model": gpt.id}))
    assert listed(page) == ["Alpha"]
    assert selected(page, "slot") == "OpenAI text model (1)"
    assert summary(page) == (f"1 account overriding the OpenAI text model with "
                             f"{gpt.display_name} ({gpt.model_name}).")


def test_archived_filter_counts_and_keeps_the_other_filters(client, auth, db, catalogue):
    accounts = overriding(db, catalogue)
    accounts["Bravo"].archived_at = datetime.now(timezone.utc)
    db.session.commit()
    auth.login("support")
    page = text(client.get(URL, query_string={"slot": "openai_model"}))
    assert listed(page) == ["Alpha"]
    assert options(page, "archived") == [
        "Active accounts (1)", "Archived accounts (1)", "Active and archived"]
    page = text(client.get(URL, query_string={"slot": "openai_model", "archived": "all"}))
    assert listed(page) == ["Alpha", "Bravo"] and "Archived</span>" in page
    assert selected(page, "archived") == "Active and archived"


def test_a_page_beyond_the_end_shows_the_last_page(client, auth, db):
    for number in range(30):
        AccountFactory(name=f"Client {number:02d}")
    db.session.commit()
    auth.login("support")
    page = text(client.get(URL, query_string={"page": 99, "q": "client"}))
    assert summary(page) == "30 accounts matching “client”."
    assert listed(page) == [f"Client {n}" for n in range(25, 30)]
    assert "No accounts found." not in page and "Page 2 of 2" in page
    page = text(client.get(URL, query_string={"q": "nobody"}))
    assert summary(page) == "0 accounts matching “nobody”." and "No accounts found." in page


def test_bad_sort_and_filter_values_show_the_default_list(client, auth, db, catalogue):
    overriding(db, catalogue)
    auth.login("support")
    for args in ({"sort": "password"}, {"model": "'; drop"}, {"per_page": "7"}):
        response = client.get(URL, query_string=args)
        assert response.status_code == 200, args
    page = text(client.get(URL, query_string={"model": "'; drop"}))
    assert listed(page) == [] and "No accounts found." in page
    assert listed(text(client.get(URL, query_string={"sort": "password"}))) == [
        "Alpha", "Bravo", "Charlie", "Delta"]


def test_admins_tick_active_accounts_by_name(client, auth, db):
    live = AccountFactory(name="Live One")
    gone = AccountFactory(name="Gone One", archived_at=datetime.now(timezone.utc))
    db.session.commit()
    auth.login("admin")
    page = text(client.get(URL, query_string={"archived": "all"}))
    assert (f'name="account_ids" value="{live.id}" id="select-{live.id}"\n'
            f'          form="bulk-form" aria-label="Select Live One"') in page
    assert f'value="{gone.id}"' not in page
    assert 'id="bulk-form"' in page and 'form="bulk-form"' in page
