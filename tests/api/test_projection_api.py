"""GET /api/v1/cost/projection: the shape, the read scope and refused parameters."""
from __future__ import annotations

from decimal import Decimal

import pytest

from igny8.extensions import db
from tests.factories import AccountFactory, ImageModelFactory, TextModelFactory
from tests.helpers.api import error_of
from tests.ledger import record, version

URL = "/api/v1/cost/projection"


@pytest.fixture
def usage(app):
    """A source and a target model and two accounts' usage on Nov 8."""
    source, target = TextModelFactory(model_name="src"), TextModelFactory(model_name="dst")
    version(source, "1970-01-01", input_price_per_1m="1", output_price_per_1m="2")
    version(target, "2026-11-01", input_price_per_1m="2", cached_input_price_per_1m="0.5",
            output_price_per_1m="8")
    alpha, beta = AccountFactory(name="Alpha"), AccountFactory(name="Beta")
    record(alpha, source, "2026-11-08 10:00", 500, 100, 200)  # 0.0009 -> 0.00245
    record(beta, source, "2026-11-08 11:00", 1000, 0, 0)  # 0.001 -> 0.002
    db.session.commit()
    return source.id, target.id, alpha.id, beta.id


def query(source, target, start="2026-11-08", end="2026-11-08", **more) -> str:
    """The projection URL for these parameters."""
    extra = "".join(f"&{name}={value}" for name, value in more.items())
    return f"{URL}?from_model={source}&to_model={target}&start={start}&end={end}{extra}"


def test_a_read_key_gets_totals_difference_and_accounts(read_api, usage):
    source, target, alpha, beta = usage
    response = read_api.get(query(source, target))
    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "from_model": source, "to_model": target,
        "period": {"start": "2026-11-08", "end": "2026-11-08"},
        "records": 2, "actual": "0.0019", "projected": "0.00445", "difference": "0.00255",
        "difference_percent": "134.21", "uncovered": None,
        "accounts": [
            {"account_id": alpha, "account_name": "Alpha", "records": 1, "actual": "0.0009",
             "projected": "0.00245", "difference": "0.00155", "difference_percent": "172.22"},
            {"account_id": beta, "account_name": "Beta", "records": 1, "actual": "0.001",
             "projected": "0.002", "difference": "0.001", "difference_percent": "100.00"}]}
    assert Decimal(body["projected"]) - Decimal(body["actual"]) == Decimal(body["difference"])


def test_one_account(read_api, usage):
    source, target, _, beta = usage
    body = read_api.get(query(source, target, account=beta)).get_json()
    assert [a["account_name"] for a in body["accounts"]] == ["Beta"]
    assert (body["actual"], body["projected"]) == ("0.001", "0.002")


def test_uncovered_usage_is_reported_apart(read_api, usage):
    source, target, _, _ = usage
    body = read_api.get(query(source, target, start="2026-10-31", end="2026-11-08")).get_json()
    assert body["records"] == 2
    assert body["uncovered"] is None
    late = TextModelFactory(model_name="late")
    version(late, "2026-11-08 10:30", input_price_per_1m="1", output_price_per_1m="1")
    db.session.commit()
    body = read_api.get(query(source, late.id)).get_json()
    assert body["uncovered"] == {"records": 1, "actual": "0.0009", "first_day": "2026-11-08",
                                 "last_day": "2026-11-08"}
    assert (body["records"], body["projected"]) == (1, "0.001")


def test_no_key_is_401(read_api, usage):
    source, target, _, _ = usage
    assert read_api.get(query(source, target), key=None).status_code == 401


def test_across_types_is_422_naming_to_model(read_api, usage):
    source, _, _, _ = usage
    image = ImageModelFactory(model_name="pictures")
    db.session.commit()
    response = read_api.get(query(source, image.id))
    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "to_model": "pictures is an image model and src a text model: a projection compares"
                    " models of one type"}


@pytest.mark.parametrize("params, field", [
    ("from_model=999&to_model={t}&start=2026-11-01&end=2026-11-02", "from_model"),
    ("from_model={s}&to_model=999&start=2026-11-01&end=2026-11-02", "to_model"),
    ("from_model={s}&to_model={t}&start=2026-11-02&end=2026-11-01", "end"),
    ("from_model={s}&to_model={t}&start=2026-11-01&end=2026-11-02&account=999", "account"),
    ("from_model={s}&to_model={t}&start=yesterday&end=2026-11-02", "start"),
    ("to_model={t}&start=2026-11-01&end=2026-11-02", "from_model"),
    ("from_model={s}&to_model={t}&start=2026-11-01&end=2026-11-02&slot=x", "slot"),
])
def test_bad_parameters_are_422_naming_the_field(read_api, usage, params, field):
    source, target, _, _ = usage
    response = read_api.get(f"{URL}?{params.format(s=source, t=target)}")
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
