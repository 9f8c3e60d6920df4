"""The log line of a failed upstream call: its cause in words, at a level worth its noise."""

from __future__ import annotations

import logging

from .causes import status_cause
from .errors import UpstreamBadInput, UpstreamError, UpstreamNotFound, UpstreamShed

logger = logging.getLogger("gql_server.upstream")


def failure_cause(error: UpstreamError, route: str) -> str:
    """Why the call failed: the cause found at the exchange, else the status's meaning."""
    if error.cause is not None:
        return error.cause
    if error.status is not None:
        return status_cause(error.status, record_path=route.endswith("/{id}"))
    if isinstance(error, UpstreamShed):
        return "not called: " + error.message[0].lower() + error.message[1:]
    return error.message


def _level(error: UpstreamError, route: str, final: bool) -> int:
    if not final:
        return logging.DEBUG  # the last attempt speaks for the call
    if isinstance(error, UpstreamBadInput):
        return logging.DEBUG  # the caller's input: answered as BAD_USER_INPUT, not an outage
    if isinstance(error, UpstreamNotFound) and route.endswith("/{id}"):
        return logging.DEBUG  # an absent record is an answer
    if isinstance(error, UpstreamShed):
        return logging.INFO  # the failures that opened the breaker were logged already
    return logging.WARNING


def log_failure(
    method: str, route: str, host: str, error: UpstreamError, *, attempts: int, final: bool
) -> None:
    """Log one failed attempt: the call's method, route, status and cause, never a header or
    a body (so neither a credential nor what Factorial said reaches the log)."""
    level = _level(error, route, final)
    if not logger.isEnabledFor(level):
        return
    cause = failure_cause(error, route)
    verb = "failed" if final else "failed, retrying"
    logger.log(
        level,
        "upstream %s %s %s: %s (host %s, attempt %d)",
        method,
        route,
        verb,
        cause,
        host,
        attempts,
        extra={
            "method": method,
            "route": route,
            "upstream_host": host,
            "status": error.status,
            "cause": cause,
            "code": error.code,
            "attempts": attempts,
        },
    )
