"""Turning a Fault into the response a misbehaving upstream would send."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from starlette.responses import Response, StreamingResponse

from .faults import Fault
from .responses import JSON_MEDIA_TYPE, encode_json, error_response

MALFORMED_BODY = b'{"data": [{"id": 1, "name": oops}], "meta": {'
HTML_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>"
    b"<body><h1>Service unavailable</h1><p>Please try again later.</p></body></html>\n"
)
DRIP_CHUNKS = 5
SESSION_COOKIE = "_factorial_session=simulated; Path=/; HttpOnly; Secure"


def answer_in_place(fault: Fault) -> Response:
    """The response for a fault with `status`: `error_body` or the documented error body."""
    status = fault.status if fault.status is not None else 500
    if fault.error_body is None:
        return error_response(status)
    try:
        json.loads(fault.error_body)
    except ValueError:
        return Response(fault.error_body, status_code=status, media_type="text/plain")
    return Response(fault.error_body, status_code=status, media_type=JSON_MEDIA_TYPE)


def _pad(body: bytes, size: int) -> bytes:
    missing = max(0, size - len(body))
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        payload["padding"] = "x" * missing
        return encode_json(payload)
    return body + b" " * missing  # trailing whitespace keeps any JSON valid


def _apply_body(fault: Fault, status: int, body: bytes, media_type: str) -> Response:
    if fault.body == "malformed":
        return Response(MALFORMED_BODY, status_code=status, media_type=JSON_MEDIA_TYPE)
    if fault.body == "truncated":
        return Response(body[: len(body) // 2], status_code=status, media_type=media_type)
    if fault.body == "html":
        return Response(HTML_BODY, status_code=status, media_type="text/html")
    if fault.body == "huge":
        return Response(_pad(body, fault.huge_bytes), status_code=status, media_type=media_type)
    if fault.body == "empty":
        return Response(b"", status_code=fault.status or 200, media_type=JSON_MEDIA_TYPE)
    return Response(body, status_code=status, media_type=media_type)


async def _drip(body: bytes, interval: float) -> AsyncIterator[bytes]:
    size = max(1, -(-len(body) // DRIP_CHUNKS))
    for start in range(0, max(len(body), 1), size):
        await asyncio.sleep(interval)
        yield body[start : start + size]


def apply_fault(fault: Fault, response: Response) -> Response:
    """Mangle `response` (the real answer, or the in-place one) as `fault` says."""
    media_type = response.media_type or response.headers.get("content-type", JSON_MEDIA_TYPE)
    mangled = _apply_body(fault, response.status_code, bytes(response.body), media_type)
    if fault.drip is not None:
        mangled = StreamingResponse(
            _drip(bytes(mangled.body), fault.drip),
            status_code=mangled.status_code,
            media_type=mangled.media_type,
        )
    if fault.retry_after is not None:
        mangled.headers["retry-after"] = fault.retry_after
    if fault.set_cookie:
        mangled.headers.append("set-cookie", SESSION_COOKIE)
    return mangled
