"""LiteLLM's successor_model: resolved to the successor in the catalogue or the same file, or a
note on its row saying why it was left as it is."""
import csv
import io
import json

import pytest

from igny8.errors import ValidationFailed
from igny8.services import exchange, exchange_apply
from igny8.services.audit import CLI
from igny8.services.catalogue import find_by_name, list_models
from igny8.services.exchange_litellm import to_litellm
from igny8.services.exchange_records import to_csv, to_json
from tests.helpers.pages import CATALOGUE_URL, text
from tests.helpers.rows import audit_rows, model_count

pytestmark = pytest.mark.catalogue("shipped")
PRICES = {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}
SAMPLE = {
    "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
                    "successor_model": "gpt-4.1-mini"},
    "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "successor_model": "acme-next"},
    "acme-next": {"litellm_provider": "openai", "mode": "chat", **PRICES},
    "gpt-4.1": {"litellm_provider": "openai", "mode": "chat", "successor_model": "gpt-image-1"},
    "gpt-5.1": {"litellm_provider": "openai", "mode": "chat", "successor_model": "gpt-9-nowhere"},
    "gpt-5.2": {"litellm_provider": "openai", "mode": "chat",
                "successor_model": "text-embedding-3-small"},
    "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding"},
    "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation",
                 "successor_model": "gpt-image-1"},
}


def preview(sample=SAMPLE):
    """The preview rows of a sample map, by key."""
    result = exchange.preview(exchange.parse(json.dumps(sample), "litellm"))
    return {row.key: row for row in result.rows}


def apply(sample=SAMPLE, chosen=lambda row: row.default_ticked):
    """Apply a sample map as the CLI would."""
    return exchange_apply.apply(exchange.parse(json.dumps(sample), "litellm"), chosen, CLI)


def test_a_catalogue_model_of_the_same_type_becomes_the_successor(db, catalogue):
    row = preview()["openai/gpt-4o-mini"]
    assert row.status == exchange.CHANGED and row.notes == {}
    assert row.changes == {"successor": [None, "gpt-4.1-mini"]}
    assert preview()["openai/dall-e-3"].status == exchange.UNCHANGED  # already its successor
    apply()
    mini = find_by_name("openai", "gpt-4o-mini")
    assert mini.successor_id == find_by_name("openai", "gpt-4.1-mini").id
    (entry,) = [e for e in audit_rows(db, action="import") if e.object_id == str(mini.id)]
    assert entry.changes["successor_id"] == [None, mini.successor_id]


def test_a_successor_new_in_the_file_is_linked_when_both_are_applied(db, catalogue):
    row = preview()["openai/gpt-4o"]
    assert row.changes == {"successor": [None, "acme-next (new in this file)"]}
    _result, report = apply()
    assert report.unlinked == []
    assert find_by_name("openai", "gpt-4o").successor_id == find_by_name("openai", "acme-next").id


def test_a_successor_new_in_the_file_but_unticked_is_left_as_it_is(db, catalogue):
    _result, report = apply(chosen=lambda row: row.key != "openai/acme-next")
    assert report.unlinked == ["openai/gpt-4o"]
    assert find_by_name("openai", "acme-next") is None
    assert find_by_name("openai", "gpt-4o").successor_id is None


@pytest.mark.parametrize("key, note", [
    ("openai/gpt-4.1", "successor_model 'gpt-image-1': The successor must be a text model like"
                       " this one; GPT Image 1 is an image model; the successor is left as it is"),
    ("openai/gpt-5.1", "successor_model 'gpt-9-nowhere' is neither one of the catalogue's"
                       " openai models nor in this file; the successor is left as it is"),
    ("openai/gpt-5.2", "successor_model 'text-embedding-3-small' is in this file but not imported"
                       " (see its row); the successor is left as it is"),
])
def test_a_successor_that_cannot_be_resolved_is_a_note_on_its_row(db, catalogue, key, note):
    row = preview()[key]
    assert row.status == exchange.UNCHANGED and row.notes == {"successor": note}
    apply()
    assert find_by_name(*key.split("/")).successor_id is None


def test_a_successor_of_another_type_new_in_the_file_is_a_note(db, catalogue):
    sample = {"gpt-4o": {"litellm_provider": "openai", "mode": "chat",
                         "successor_model": "acme-draw"},
              "acme-draw": {"litellm_provider": "openai", "mode": "image_generation",
                            "output_cost_per_image": 0.04},
              "acme-self": {"litellm_provider": "openai", "mode": "chat", **PRICES,
                            "successor_model": "acme-self"}}
    rows = preview(sample)
    assert rows["openai/gpt-4o"].notes["successor"].startswith(
        "successor_model 'acme-draw' is an image model in this file, not a text model like"
        " this one")
    assert rows["openai/acme-self"].status == exchange.NEW
    assert rows["openai/acme-self"].notes["successor"] == (
        "successor_model 'acme-self' names the model itself; the successor is left as it is")


def test_a_successor_loop_made_by_the_file_is_refused_and_nothing_written(db, catalogue):
    sample = {"gpt-5.1": {"litellm_provider": "openai", "mode": "chat",
                          "successor_model": "gpt-5.2"},
              "gpt-5.2": {"litellm_provider": "openai", "mode": "chat",
                          "successor_model": "gpt-5.1"}}
    assert {row.status for key, row in preview(sample).items() if key in (
        "openai/gpt-5.1", "openai/gpt-5.2")} == {exchange.CHANGED}
    before = model_count(db)
    with pytest.raises(ValidationFailed, match="a successor chain may not loop"):
        apply(sample)
    assert find_by_name("openai", "gpt-5.1").successor_id is None
    assert find_by_name("openai", "gpt-5.2").successor_id is None
    assert model_count(db) == before and audit_rows(db, action="import") == []


def test_the_cli_lists_the_notes(db, catalogue, app, tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps(SAMPLE))
    result = app.test_cli_runner().invoke(
        args=["catalogue", "import", str(path), "--format", "litellm", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert ("note openai/gpt-5.1: successor_model 'gpt-9-nowhere' is neither one of the"
            in result.output)


def test_the_preview_page_shows_each_note_and_successor_change(
        client, auth, catalogue, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IGNY8_IMPORT_FOLDER", str(tmp_path / "imports"))
    auth.login("admin")
    response = client.post(f"{CATALOGUE_URL}/import", data={
        "format": "litellm", "file": (io.BytesIO(json.dumps(SAMPLE).encode()), "map.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"] + "?status=changed"))
    assert "successor: — → gpt-4.1-mini" in page
    assert "successor: — → acme-next (new in this file)" in page
    page = text(client.get(response.headers["Location"] + "?status=unchanged"))
    assert ("successor_model 'gpt-9-nowhere' is neither one of the catalogue's openai models"
            " nor in this file; the successor is left as it is") in page


def igny8_preview(document: dict) -> dict:
    """The preview rows of an igny8 JSON document, by key."""
    result = exchange.preview(exchange.parse(json.dumps(document), "json"))
    return {row.key: row for row in result.rows}


def exported_dalle(document: dict) -> dict:
    """DALL-E 3's record in an igny8 JSON export."""
    return next(m for m in document["models"] if m["model_name"] == "dall-e-3")


def test_igny8_files_carry_the_successor_by_name(db, catalogue):
    document = json.loads(to_json(list_models()))
    assert exported_dalle(document)["successor"] == "gpt-image-1"
    rows = list(csv.DictReader(io.StringIO(to_csv(list_models()))))
    assert next(r for r in rows if r["model_name"] == "dall-e-3")["successor"] == "gpt-image-1"
    assert next(r for r in rows if r["model_name"] == "gpt-4o")["successor"] == ""
    exported_dalle(document)["successor"] = "gpt-image-2.5-sunburst"
    row = igny8_preview(document)["openai/dall-e-3"]
    assert row.changes == {"successor": ["gpt-image-1", "gpt-image-2.5-sunburst"]}
    del exported_dalle(document)["successor"]  # a file without the field leaves it as it is
    assert igny8_preview(document)["openai/dall-e-3"].status == exchange.UNCHANGED


def test_a_blank_successor_in_an_igny8_file_clears_it(db, catalogue):
    document = json.loads(to_json(list_models()))
    exported_dalle(document)["successor"] = None
    assert igny8_preview(document)["openai/dall-e-3"].changes == {
        "successor": ["gpt-image-1", None]}
    text = to_csv(list_models()).replace(",gpt-image-1,", ",,", 1)
    exchange_apply.apply(exchange.parse(text, "csv"), lambda row: row.key == "openai/dall-e-3", CLI)
    assert find_by_name("openai", "dall-e-3").successor_id is None
    assert find_by_name("openai", "dall-e-2").successor_id is not None  # not ticked


def test_the_litellm_export_names_the_successor_and_reads_back_unchanged(db, catalogue):
    document = json.loads(to_litellm(list_models()))
    assert document["dall-e-3"]["successor_model"] == "gpt-image-1"
    assert "successor_model" not in document["gpt-4o"]
    result = exchange.preview(exchange.parse(json.dumps(document), "litellm",
                                             providers=["openai", "anthropic", "runware"]))
    assert {row.status for row in result.rows} == {exchange.UNCHANGED}
