"""After each request: one access log line and the request observer (metrics)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from starlette.requests import Request

access_log = logging.getLogger("gql_server.access")


class RequestObserver(Protocol):
    """Told about every answered request (metrics)."""

    def request_finished(self, status: int, codes: Iterable[str], seconds: float) -> None: ...


class NoRequestObserver:
    def request_finished(self, status: int, codes: Iterable[str], seconds: float) -> None:
        return None


def record_request(
    observer: RequestObserver, request: Request, status: int, request_id: str, seconds: float
) -> None:
    """Count and log a request from the payloads the endpoint left on `request.state`.

    Only named facts are logged (method, path, status, time, operation names, error codes,
    upstream calls), never a header, a query text or a variable. Operation names come from
    the parsed document, so they are GraphQL names, never arbitrary client text.
    """
    payloads = getattr(request.state, "graphql_payloads", [])
    codes = [
        error.get("extensions", {}).get("code", "INTERNAL_SERVER_ERROR")
        for payload in payloads
        for error in payload.get("errors", ())
    ]
    observer.request_finished(status, codes, seconds)
    if not access_log.isEnabledFor(logging.INFO):
        return
    prices = [p["extensions"]["upstream"] for p in payloads if "extensions" in p]
    names: list[str] = getattr(request.state, "operation_names", [])
    operation = ",".join(names) or "-"
    error_codes = sorted(set(codes))
    upstream_calls = sum(p.get("calls", 0) for p in prices)
    duration_ms = round(seconds * 1000, 2)
    path = request.url.path
    access_log.info(
        "%s %s %d %.2f ms operation=%s errors=%s upstream_calls=%d",
        request.method,
        path,
        status,
        duration_ms,
        operation,
        ",".join(error_codes) or "-",
        upstream_calls,
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "operation_name": operation if names else None,
            "operations": len(payloads),
            "error_codes": error_codes,
            "upstream_calls": upstream_calls,
        },
    )
