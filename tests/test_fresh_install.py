"""A new database: `flask db upgrade` then `flask catalogue seed` gives the design note's ids."""
import re

import flask_migrate
import pytest
from sqlalchemy import select

from igny8 import create_app
from igny8 import config
from igny8.extensions import db
from igny8.models import GLOBAL_SETTINGS_ID, AIModelConfig, GlobalIntegrationSettings
from tests.helpers.app import AuthActions

pytestmark = pytest.mark.migrations


@pytest.fixture
def fresh_app(backend, fresh_database_url):
    """An app on an empty database of the backend, migrated to head."""
    app = create_app(config.TestingConfig(fresh_database_url(backend)))
    with app.app_context():
        flask_migrate.upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_then_seed_gives_the_notes_ids(fresh_app):
    result = fresh_app.test_cli_runner().invoke(args=["catalogue", "seed"])
    assert result.exit_code == 0, result.output
    names = dict(db.session.execute(
        select(AIModelConfig.id, AIModelConfig.model_name).where(AIModelConfig.id <= 7)
    ).all())
    assert names == {
        1: "gpt-4o-mini", 2: "gpt-3.5-turbo", 3: "gpt-4-turbo-2024-04-09",
        4: "claude-3-5-sonnet-20241022", 5: "claude-3-haiku-20240307",
        6: "runware-flux-1.1-pro", 7: "dall-e-3",
    }
    row = db.session.get(GlobalIntegrationSettings, GLOBAL_SETTINGS_ID)
    assert (row.openai_model_id, row.dalle_model_id, row.runware_model_id, row.text_model_id) == (
        1, 7, 6, 1)
    assert row.openai_model.label == (
        "GPT-4o Mini (gpt-4o-mini) - $0.15/$0.60 per 1M tokens · retires 2027-01-14")


def test_seeding_twice_changes_nothing(fresh_app):
    runner = fresh_app.test_cli_runner()
    runner.invoke(args=["catalogue", "seed"])
    again = runner.invoke(args=["catalogue", "seed"])
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated" in again.output


def test_fresh_install_dashboard_flags_the_dalle_slot(fresh_app):
    assert fresh_app.test_cli_runner().invoke(args=["catalogue", "seed"]).exit_code == 0
    client = fresh_app.test_client()
    AuthActions(client).login("support")
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get("/admin/").get_data(as_text=True)).split())
    assert "DALL-E image model: DALL-E 3 Retired 2026-05-12" in page
    assert "OpenAI text model: GPT-4o Mini Retiring 2027-01-14" in page
