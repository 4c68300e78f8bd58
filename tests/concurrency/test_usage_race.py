"""Usage ingest races, fired through real concurrent HTTP requests on PostgreSQL.

Rules: a request_id sent by several clients at once is stored once and counted once in the
rollups (the rollups always equal the records' sums); a price version added while batches are
being ingested leaves every record either costed with it or committed before it (so the
re-costing it offers sees the record); a batch racing the archive of its account is either
refused or committed before the archive. Never a 5xx.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from igny8.extensions import db
from igny8.models import Account, ModelPriceVersion, UsageRecord
from igny8.services import audit, prices
from igny8.services.locking import lock_models
from tests.factories import AccountFactory
from tests.helpers.rows import sums_agree
from tests.ingest_world import make_ledger
from tests.ingest_world import sent_record as record

ROUNDS = 10
URL = "/api/v1/usage"


def batch(world, ids, **fields) -> dict:
    """A request body of text records with these request ids."""
    return {"records": [record(world, request_id, **fields) for request_id in ids]}


def test_re_sends_racing_from_several_clients_store_and_count_each_record_once(api, store,
                                                                               fire):
    world = make_ledger()
    for round_ in range(ROUNDS):
        ids = [f"r{round_}-{i:03d}" for i in range(60)]
        bodies = [batch(world, ids[:40]), batch(world, list(reversed(ids[:40]))),
                  batch(world, ids[20:]), batch(world, ids[::2]), batch(world, ids[:40]),
                  batch(world, list(reversed(ids)))]
        answers = fire(*(lambda body=body: api.request("POST", URL, body) for body in bodies))
        assert [a.status for a in answers] == [201] * len(bodies), [a.text for a in answers]
        assert sum(a.body["inserted"] for a in answers) == len(ids)
        sent = sum(len(body["records"]) for body in bodies)
        assert sum(a.body["duplicates"] for a in answers) == sent - len(ids)
        store.session.expire_all()
        stored = store.session.scalars(select(UsageRecord.request_id).where(
            UsageRecord.request_id.like(f"r{round_}-%"))).all()
        assert sorted(stored) == ids
        assert sums_agree()


def test_one_request_id_with_different_values_racing_keeps_one_and_refuses_the_other(
        api, store, fire):
    world = make_ledger()
    for round_ in range(ROUNDS):
        request_id = f"clash-{round_}"
        answers = fire(lambda: api.request("POST", URL, batch(world, [request_id])),
                       lambda: api.request("POST", URL, batch(world, [request_id],
                                                              output_tokens=9)))
        statuses = sorted(a.status for a in answers)
        assert statuses == [201, 409], [a.text for a in answers]  # 409: the stored record
        loser = next(a for a in answers if a.status == 409)
        assert "other values of output_tokens" in loser.body["error"]["fields"][
            "records[0].request_id"]
        winner = 0 if answers[0].status == 201 else 1
        store.session.expire_all()
        stored = store.session.scalars(select(UsageRecord).where(
            UsageRecord.request_id == request_id)).one()
        assert stored.output_tokens == (500, 9)[winner]
        assert sums_agree()


@dataclass
class WriterAnswer:
    """What the price writer reports, shaped like the HTTP answers it is fired with."""

    status: int
    body: dict
    text: str = ""


def add_version_as_price_writers_do(live_app, model_id: int, effective_from: datetime):
    """prices.add_version, after taking its first lock (the model FOR UPDATE) one step early to
    note the request ids committed before the lock was granted; answers with them."""
    with live_app.app_context():
        lock_models([model_id])
        visible = set(db.session.scalars(select(UsageRecord.request_id)))
        version = prices.add_version(model_id, {"input_price_per_1m": Decimal("9"),
                                                "output_price_per_1m": Decimal("9")},
                                     audit.CLI, effective_from=effective_from)
        answer = WriterAnswer(201, {"visible": visible, "version_id": version.id})
        db.session.remove()
        return answer


def test_ingest_racing_a_price_version_costs_each_record_with_a_version_in_force(
        api, store, live_app, fire):
    world = make_ledger()
    for round_ in range(ROUNDS):
        starts = datetime(2026, 8, 1, tzinfo=timezone.utc) + timedelta(days=round_)
        occurred = (starts + timedelta(hours=1)).isoformat()
        old = store.session.scalars(select(ModelPriceVersion.id).where(
            ModelPriceVersion.model_id == world.text).order_by(
            ModelPriceVersion.effective_from.desc())).first()
        bodies = [batch(world, [f"p{round_}-{c}-{i}" for i in range(250)], occurred_at=occurred)
                  for c in range(4)]
        answers = fire(
            *(lambda body=body: api.request("POST", URL, body) for body in bodies),
            lambda: add_version_as_price_writers_do(live_app, world.text, starts))
        assert [a.status for a in answers] == [201] * 5, [a.text for a in answers]
        writer = answers[-1].body
        store.session.expire_all()
        rows = store.session.execute(select(UsageRecord.request_id, UsageRecord.price_version_id)
                                     .where(UsageRecord.request_id.like(f"p{round_}-%"))).all()
        assert len(rows) == 1000
        for request_id, version_id in rows:
            assert version_id in (old, writer["version_id"])
            # Costed with the old version only if committed before the new one was written.
            assert version_id == writer["version_id"] or request_id in writer["visible"]
        assert sums_agree()


def test_ingest_racing_an_archive_records_nothing_after_the_archive(api, store, fire):
    world = make_ledger()
    for round_ in range(ROUNDS):
        account = AccountFactory(name=f"Racing {round_}")
        store.session.commit()
        body = batch(world, [f"a{round_}-{i}" for i in range(200)], account_id=account.id)
        answers = fire(lambda: api.request("POST", URL, body),
                       lambda: api.request("PATCH", f"/api/v1/accounts/{account.id}",
                                           {"archived": True}))
        assert answers[1].status == 200, answers[1].text
        assert answers[0].status in (201, 422), answers[0].text
        store.session.expire_all()
        archived_at = store.session.get(Account, account.id).archived_at
        created = store.session.scalars(select(UsageRecord.created_at).where(
            UsageRecord.account_id == account.id)).all()
        if answers[0].status == 422:
            assert "archived account" in answers[0].text and created == []
        else:
            assert len(created) == 200 and max(created) < archived_at
        assert sums_agree()
