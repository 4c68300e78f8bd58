"""POST /api/v1/usage: a batch of usage records, costed and stored all or nothing (write scope)."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from igny8.api.blueprint import api_actor, bp
from igny8.api.examples import error
from igny8.api.schemas import ErrorSchema, StrictInteger, Text
from igny8.api.spec import WRITES, errors
from igny8.errors import ConflictError, TakenMessage, ValidationFailed
from igny8.models.slots import SLOTS
from igny8.services import ledger, usage_input

TAGS = ["usage"]


def _count(description: str, bound: int) -> StrictInteger:
    """A count field of a record: a JSON integer from 0 to `bound`, 0 when left out."""
    return StrictInteger(load_default=0, validate=validate.Range(min=0, max=bound),
                         metadata={"description": description})


class UsageRecordInSchema(ma.Schema):
    """One AI request of an account on a model, as the sending system reports it."""

    request_id = Text(required=True, validate=validate.Length(
        min=1, max=usage_input.MAX_REQUEST_ID), metadata={
        "pattern": usage_input.REQUEST_ID_PATTERN,
        "description": "The sender's unique id of the request: re-sending a record with the "
                       "same request_id and values changes nothing (a duplicate); with other "
                       "values it is refused; not only white space"})
    account_id = StrictInteger(required=True, validate=validate.Range(min=1), metadata={
        "description": "An account that is not archived"})
    model_id = StrictInteger(required=True, validate=validate.Range(min=1), metadata={
        "description": "A catalogue model with a price version in force at occurred_at"})
    slot = fields.String(allow_none=True, validate=validate.OneOf(list(SLOTS)), metadata={
        "description": "The slot the request ran through, if any; it must hold the model"})
    occurred_at = fields.DateTime(required=True, format="iso", metadata={
        "description": "When the request ran: ISO 8601 with its UTC offset (`Z`, `+01:00`); "
                       "stored in UTC; a time without offset or in the future is refused"})
    input_tokens = _count("Every prompt token, cached ones included (text models)",
                          usage_input.MAX_TOKENS)
    cached_input_tokens = _count("The prompt tokens read from the cache: at most input_tokens",
                                 usage_input.MAX_TOKENS)
    output_tokens = _count("Completion tokens (text models)", usage_input.MAX_TOKENS)
    images = _count("Images made (image models)", usage_input.MAX_IMAGES)


class RecordList(fields.List):
    """Documented as a list of records; loaded as sent, so the ledger checks every record and
    names each problem by index (`records[3].model_id`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        """The list itself (its records are checked by the ledger)."""
        if not isinstance(value, list):
            raise self.make_error("invalid")
        return value


class UsageBatchSchema(ma.Schema):
    """Up to 1,000 records, stored all or nothing."""

    records = RecordList(fields.Nested(UsageRecordInSchema), required=True,
                         validate=validate.Length(min=1, max=ledger.MAX_RECORDS))


class IngestResultSchema(ma.Schema):
    """What the call stored."""

    inserted = fields.Integer(required=True, metadata={"description": "Records new to igny8"})
    duplicates = fields.Integer(required=True, metadata={
        "description": "Records stored before with the same values: nothing changed"})
    record_ids = fields.List(fields.Integer(), required=True, metadata={
        "description": "The id of each record sent, in the order sent (a duplicate's stored id)"})


REQUEST_EXAMPLE = {"records": [
    {"request_id": "chatcmpl-9x8Yb2", "account_id": 1, "model_id": 1, "slot": "openai_model",
     "occurred_at": "2026-11-25T13:24:09Z", "input_tokens": 1200, "cached_input_tokens": 400,
     "output_tokens": 350},
    {"request_id": "img-5521", "account_id": 1, "model_id": 7,
     "occurred_at": "2026-11-25T13:25:10+00:00", "images": 2},
]}
RESULT_EXAMPLE = {"inserted": 1, "duplicates": 1, "record_ids": [10452, 10391]}
REFUSED_EXAMPLE = error("validation_failed", "2 records were refused; nothing was written.", {
    "records[0].cached_input_tokens": "must not exceed input_tokens (300): input_tokens counts"
                                      " every prompt token, cached ones included",
    "records[1].model_id": "no AI model has id 999"})
STORED_EXAMPLE = error("conflict", "1 record was refused; nothing was written.", {
    "records[0].request_id": "is stored already (record 10452) with other values of "
                             "output_tokens; a re-send must repeat the record unchanged"})


@bp.route("/usage", tags=TAGS)
class UsageIngest(MethodView):
    """The usage ledger's write side."""

    @bp.arguments(UsageBatchSchema, example=REQUEST_EXAMPLE)
    @bp.response(201, IngestResultSchema, example=RESULT_EXAMPLE)
    @bp.alt_response(422, schema=ErrorSchema, example=REFUSED_EXAMPLE, description=(
        "A record was refused (unknown or archived account, unknown model, counts of the wrong "
        "type or out of bounds, no price in force at occurred_at, a request_id repeated in the "
        "call): `fields` names each as `records[i].field`; nothing of the call was written"))
    @bp.alt_response(409, schema=ErrorSchema, example=STORED_EXAMPLE, description=(
        "Every record refused has a request_id stored already with other values (a re-send "
        "must repeat the record unchanged); nothing of the call was written"))
    @errors(*WRITES)
    def post(self, body):
        """Store 1 to 1,000 usage records, all or nothing (write scope).

        Each record is costed at the price version of its model in force at its occurred_at
        (the long-context tier as a cliff on the whole request). A record sent again with the
        same request_id and values is a duplicate and changes nothing.
        """
        try:
            result = ledger.ingest(body["records"], api_actor())
        except ValidationFailed as exc:
            if exc.fields and all(isinstance(text, TakenMessage) for text in exc.fields.values()):
                raise ConflictError(exc.message, exc.fields) from None  # stored data
            raise
        return {"inserted": result.inserted, "duplicates": result.duplicates,
                "record_ids": result.record_ids}
