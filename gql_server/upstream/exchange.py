"""One HTTP exchange with Factorial: send, read a bounded body, map failures to our errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import msgspec

from .causes import transport_cause
from .errors import UpstreamBadResponse, UpstreamTimeout, UpstreamUnavailable
from .status import error_for_status

_CLOSED = httpx.ByteStream(b"")
_JSON = msgspec.json.Decoder()
_TOO_LARGE = "Factorial sent a response larger than allowed."


async def _read(
    http: httpx.AsyncClient, request: httpx.Request, max_bytes: int
) -> tuple[int, httpx.Headers, bytes]:
    response = await http.send(request, stream=True)
    try:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise UpstreamBadResponse(_TOO_LARGE, cause="bad body (too large)")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise UpstreamBadResponse(_TOO_LARGE, cause="bad body (too large)")
            chunks.append(chunk)
    finally:
        await response.aclose()
        # httpx binds the response and its stream to each other; unbinding the closed stream
        # frees the response (request, headers, URL) now instead of at the next collection.
        response.stream = _CLOSED
    return response.status_code, response.headers, b"".join(chunks)


async def exchange(
    http: httpx.AsyncClient, request: httpx.Request, *, seconds: float, max_bytes: int
) -> tuple[int, Any]:
    """The status and decoded JSON body of a successful answer; any failure as an UpstreamError.

    `seconds` bounds the whole exchange, body included, so a body dripping in slowly cannot
    hold a request past its deadline.
    """
    try:
        async with asyncio.timeout(seconds):
            status, headers, raw = await _read(http, request, max_bytes)
    except httpx.ConnectTimeout:
        # Nothing was sent: as retryable as a refused connection.
        message = "Factorial could not be reached in time."
        raise UpstreamUnavailable(message, cause="connection timed out") from None
    except (TimeoutError, httpx.TimeoutException):
        raise UpstreamTimeout(cause="timed out waiting for the answer") from None
    except httpx.TransportError as error:
        raise UpstreamUnavailable(cause=transport_cause(error)) from None
    if not 200 <= status < 300:
        raise error_for_status(status, headers, raw)
    if status == 204:
        return status, None  # No Content: a DELETE may answer so
    if "json" not in headers.get("content-type", "application/json"):
        raise UpstreamBadResponse(cause="bad body (not JSON)")
    try:
        # msgspec, not orjson: orjson's parser holds a buffer of about 15 times the body while
        # it decodes (305 KiB for a 20 KiB page), msgspec builds the objects directly; and it
        # decodes integers past 64 bits exactly (orjson makes them floats).
        return status, _JSON.decode(raw)
    except msgspec.DecodeError:
        raise UpstreamBadResponse(cause="bad body (unreadable JSON)") from None
