"""API fixtures: keys and clients that send them (tests.helpers.api.ApiClient checks the spec)."""
from __future__ import annotations

import pytest

from igny8.services import api_keys
from tests.factories import AccountFactory, TextModelFactory
from tests.helpers.api import ApiClient
from tests.helpers.rows import commit


@pytest.fixture
def make_key(db):
    """`make_key(scope="write", name=None) -> (ApiKey, raw key)`, issued through the service."""
    counter = iter(range(1, 1000))

    def make(scope: str = "write", name: str | None = None):
        return api_keys.create_key(name or f"{scope}-key-{next(counter)}", scope, actor="cli")

    return make


@pytest.fixture
def api(app, client, make_key):
    """An ApiClient holding a write key named `integration`."""
    key, raw = make_key("write", "integration")
    api_client = ApiClient(app, client, raw)
    api_client.key_row = key
    return api_client


@pytest.fixture
def read_api(app, client, make_key):
    """An ApiClient holding a read key named `reporting`."""
    _, raw = make_key("read", "reporting")
    return ApiClient(app, client, raw)


@pytest.fixture
def catalogue_name() -> str:
    """The API tests' catalogue: tests.catalogues.CATALOGUES["api"]."""
    return "api"


@pytest.fixture
def model_and_account(db):
    """One text model and one account, committed."""
    model, account = TextModelFactory(), AccountFactory()
    commit()
    return model, account
