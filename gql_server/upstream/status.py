"""One mapping from an upstream HTTP answer to our error family."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from typing import Any

import orjson

from .errors import (
    UpstreamBadInput,
    UpstreamError,
    UpstreamForbidden,
    UpstreamNotFound,
    UpstreamRateLimited,
    UpstreamUnauthenticated,
    UpstreamUnavailable,
)

_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_field(body: bytes) -> str | None:
    """The offending field named in a validation error body, if it is a plain field name.

    Only a short snake_case identifier is kept: anything else in an upstream body is never
    passed on to clients.
    """
    try:
        parsed: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    errors = parsed.get("errors") if isinstance(parsed, Mapping) else None
    if isinstance(errors, Mapping):
        errors = errors.get("errors")
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], Mapping):
        return None
    field = errors[0].get("field")
    return field if isinstance(field, str) and _FIELD_NAME.match(field) else None


def error_for_status(status: int, headers: Mapping[str, str], body: bytes) -> UpstreamError:
    """The error that an unsuccessful upstream status stands for."""
    if status == 401:
        return UpstreamUnauthenticated(status=status)
    if status in (402, 403):
        return UpstreamForbidden(status=status)
    if status in (404, 410):
        return UpstreamNotFound(status=status)
    if status in (400, 409, 422, 428):
        return UpstreamBadInput(status=status, field=_error_field(body))
    if status == 429:
        return UpstreamRateLimited(retry_after=parse_retry_after(headers.get("retry-after")))
    return UpstreamUnavailable(f"Factorial answered with status {status}.", status=status)
