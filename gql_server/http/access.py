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

    Only named facts are logged (status, time, error codes, upstream calls), never a header,
    a body or a variable.
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
    access_log.info(
        "graphql request",
        extra={
            "request_id": request_id,
            "method": request.method,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "operations": len(payloads),
            "error_codes": sorted(set(codes)),
            "upstream_calls": sum(p.get("calls", 0) for p in prices),
        },
    )
