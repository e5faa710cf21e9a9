"""Logs as one JSON object a line (python-json-logger), each with the request id of the request that wrote it.

The request id comes from the reverse proxy's `X-Request-ID` (Caddy, nginx: one per request), so a line in the
proxy's log, in Laurel's log and in the answer's `X-Request-ID` header can be matched; a request without one (or
with one that is not a plain token) gets a new id. `laurel.access` writes one line per request.
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID = contextvars.ContextVar("laurel_request_id", default="-")
# What a proxy sends: a UUID or a similar token. Anything else (spaces, quotes, newlines, 200 characters) is replaced,
# so a client cannot forge log lines through the header.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(header: str | None) -> str:
    if header and VALID_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


def logging_config(*, json: bool, level: str) -> dict:
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        }
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "laurel.core.logs.RequestIdFilter"}},
        "formatters": {"laurel": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "laurel", "filters": ["request_id"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per request, whatever the level of the rest (LAUREL_ACCESS_LOG=0 turns it off).
            "laurel.access": {"level": "INFO", "propagate": True},
            "laurel.scheduler": {"level": "INFO", "propagate": True},
            "laurel.workers": {"level": "INFO", "propagate": True},
        },
    }
