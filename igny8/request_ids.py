"""Request ids: the client's X-Request-ID when sane (else a new one), echoed on every response
and carried by every log record."""
from __future__ import annotations

import logging
import re
import uuid

from flask import has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is kept when it is short and plain (safe to echo and to log), else replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
REQUEST_ID_KEY = "igny8.request_id"  # on the request, not `g`: an app context can outlive it


def request_id() -> str:
    """The id of this request: the client's X-Request-ID when sane, else a new one."""
    environ = request.environ
    if REQUEST_ID_KEY not in environ:
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        environ[REQUEST_ID_KEY] = sent if SANE_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
    return environ[REQUEST_ID_KEY]


def send_request_id(response):
    """after_request: every response names its request."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def current_request_id() -> str:
    """The request id for a log record ("-" outside a request)."""
    return request_id() if has_request_context() else "-"


def install_log_request_id() -> None:
    """Every log record carries `request_id`; Flask's own handler prints it."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "igny8_request_id", False):
        def make_record(*args, **kwargs):
            record = factory(*args, **kwargs)
            record.request_id = current_request_id()
            return record

        make_record.igny8_request_id = True
        logging.setLogRecordFactory(make_record)
    default_handler.setFormatter(logging.Formatter(
        "[%(asctime)s] %(levelname)s request_id=%(request_id)s in %(module)s: %(message)s"))
