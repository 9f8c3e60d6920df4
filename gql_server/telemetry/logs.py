"""Structured logs: one JSON object or text line each, with the request id it belongs to.

Only what a log call names explicitly is written (message, and its `extra` fields); request
headers and bodies never are, so a credential cannot reach a log line through here.
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

LogLevel = Literal["debug", "info", "warning", "error"]

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    # uvicorn's copy of its message with terminal colours: for terminals, not log lines.
    "color_message",
}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a log call passed in `extra`."""
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _STANDARD and not key.startswith("_")
    }


def _message(record: logging.LogRecord) -> str:
    return _ANSI.sub("", record.getMessage())


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": _message(record),
            # With `serve --workers N` several processes write to one stream.
            "pid": record.process,
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            entry["request_id"] = request_id
        entry.update(_extras(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """`time LEVEL logger [request id] message`: each message of ours says its facts itself
    (the JSON lines carry them as fields too)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        # Lines outside a request (start-up, shutdown) have no id to show.
        request_id = getattr(record, "request_id", None) or "-"
        return TEXT_FORMAT % {
            **record.__dict__,
            "message": _message(record),
            "request_id": request_id,
        }


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time of each line (not when configured)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        return None


def configure_logging(style: Literal["json", "text"], level: LogLevel = "info") -> None:
    """Route every log line (ours, uvicorn's) to stderr in `style`, from `level` up."""
    handler = StderrHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if style == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).setLevel(logging.NOTSET)
        logging.getLogger(name).propagate = True
    # Our debug lines name each upstream call; httpx's and httpcore's repeat them (with full
    # URLs) and would bury them.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
