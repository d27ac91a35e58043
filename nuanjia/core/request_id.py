"""A request id on every request and log line.

`RequestIdMiddleware` (first in the chain) takes the id a proxy sent in `X-Request-ID` when it
looks like one, or makes one; it is answered in the same header and added to every log record
of the request by `RequestIdFilter` (the JSON log format prints it, `NUANJIA_LOG_FORMAT=json`).
This module imports no models: the logging configuration loads it before the apps.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "nuanjia_request_id", default=""
)


def current_request_id() -> str:
    return _current_request_id.get()


class RequestIdMiddleware:
    """Every request carries an id, answered in X-Request-ID and printed on its log lines."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        sent = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = sent if _REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        # Kept until the response is finished (`forget_request_id`), so Django's own lines
        # about the response (django.request's 4xx and 5xx) carry it too.
        _current_request_id.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def forget_request_id(**kwargs: object) -> None:
    """Connected to `request_finished`: lines after the response name no request."""
    _current_request_id.set("")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
