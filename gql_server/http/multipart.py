"""Incremental answers over HTTP: which format a client accepts, and the multipart/mixed
response that writes each payload as it is ready.

The framing is the GraphQL-over-HTTP incremental delivery RFC's, as graphql-helix, GraphQL
Yoga and Apollo Router write it: boundary `-`, each part `Content-Type: application/json;
charset=utf-8` and its JSON, and the delimiter (CRLF `---`) sent right after each part rather
than before the next, so that a client can read a part as soon as it arrives; `-----` CRLF
closes the body.

The response watches for the client going away while it waits for the next part: then the
schedule is cancelled (no unit keeps running for nobody), and in every case the request's
context is freed and its access log line written once, when the body ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..graphql.incremental import Schedule
from ..graphql.rows import encode
from .increments import DEFER_20220824, INCREMENTAL_V02, IncrementalFormat

MULTIPART = "multipart/mixed"
_FORMATS: dict[tuple[str, str], IncrementalFormat] = {
    ("deferspec", "20220824"): DEFER_20220824,
    ("incrementalspec", "v0.2"): INCREMENTAL_V02,
}
_DELIMITER = b"\r\n---"
_PART = b"\r\nContent-Type: application/json; charset=utf-8\r\n\r\n"
_CLOSE = b"--\r\n"


def incremental_format(accept: str) -> IncrementalFormat | None:
    """The incremental format an Accept header asks for: its `multipart/mixed` entry of
    highest quality naming a format this server writes, or naming none. A bare
    `multipart/mixed` (GraphiQL's fetcher, meros, fetch-multipart-graphql) gets
    `deferSpec=20220824`: each of its entries carries its own path, so a client that tracks
    nothing between payloads can still merge them; the newer format must be asked for."""
    best: tuple[float, IncrementalFormat] | None = None
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if media.lower() != MULTIPART:
            continue
        quality = 1.0
        named: IncrementalFormat | None = DEFER_20220824
        spec = subscriptions = False
        for param in params:
            name, _, value = (p.strip().strip('"').lower() for p in param.partition("="))
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
            elif name in ("deferspec", "incrementalspec"):
                spec = True
                named = _FORMATS.get((name, value))
            elif name == "subscriptionspec":
                subscriptions = True
        if quality <= 0 or named is None or (subscriptions and not spec):
            continue  # a format we do not write, or multipart for subscriptions only
        if best is None or quality > best[0]:
            best = (quality, named)
    return best[1] if best else None


@dataclass(frozen=True, slots=True)
class IncrementalAnswer:
    """An operation answered in parts, as the endpoint hands it over."""

    initial: dict[str, Any]
    """The first payload, written in `format`."""
    schedule: Schedule
    format: IncrementalFormat
    request_id: str
    extensions: Callable[[], dict[str, Any] | None]
    """The last part's `extensions` (the whole request's bill), read once every unit is done."""
    close: Callable[[], None]
    """Frees the request's context; run whatever happens."""


Finished = Callable[[dict[str, Any]], None]
"""Told, once the body has ended, what the parts said: their errors and the last extensions."""


class MultipartResponse(Response):
    """An incremental answer as `multipart/mixed`, each part flushed as it is ready."""

    def __init__(self, answer: IncrementalAnswer, headers: Mapping[str, str]) -> None:
        self.answer = answer
        self.status_code = 200
        self.background = None
        self.media_type = f'{MULTIPART}; boundary="-"; {answer.format.parameter}'
        self.init_headers({**headers, "cache-control": "no-cache"})
        self.on_finish: Finished | None = None
        self._errors: list[dict[str, Any]] = []
        self._extensions: dict[str, Any] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        writer = asyncio.ensure_future(self._write(send))
        gone = asyncio.ensure_future(_disconnected(receive))
        try:
            await asyncio.wait({writer, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            writer.cancel()
            gone.cancel()
            await asyncio.gather(writer, gone, return_exceptions=True)
            await self.answer.schedule.aclose()
            self.answer.close()
            self._finish()
        failure = None if writer.cancelled() else writer.exception()
        if failure is not None and not isinstance(failure, OSError):  # OSError: the client left
            raise failure

    async def _write(self, send: Send) -> None:
        answer = self.answer
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        await send(_body(_DELIMITER + self._part(answer.initial)))
        async with aclosing(answer.schedule.increments()) as increments:
            async for increment in increments:
                payload = answer.format.subsequent(increment, answer.request_id)
                if payload is not None:
                    await send(_body(self._part(payload)))
        last: dict[str, Any] = {"hasNext": False}
        self._extensions = answer.extensions()
        if self._extensions is not None:
            last["extensions"] = self._extensions
        await send(_body(self._part(last) + _CLOSE, more=False))

    def _part(self, payload: dict[str, Any]) -> bytes:
        self._errors += _errors_in(payload)
        return _PART + encode(payload) + _DELIMITER

    def _finish(self) -> None:
        if self.on_finish is None:
            return
        summary: dict[str, Any] = {"errors": self._errors}
        if self._extensions is not None:
            summary["extensions"] = self._extensions
        self.on_finish(summary)


def _body(chunk: bytes, *, more: bool = True) -> dict[str, Any]:
    return {"type": "http.response.body", "body": chunk, "more_body": more}


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _errors_in(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every error a payload carries, in either format."""
    errors = list(payload.get("errors", ()))
    for entry in (*payload.get("incremental", ()), *payload.get("completed", ())):
        errors += entry.get("errors", ())
    return errors
