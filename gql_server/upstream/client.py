"""The Factorial client: one shared httpx client, per-request sessions bound to a credential."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from .credentials import Credential
from .errors import (
    UpstreamBadResponse,
    UpstreamTimeout,
    UpstreamUnauthenticated,
    UpstreamUnavailable,
)
from .sizes import CollectionSizes
from .stats import UpstreamStats
from .status import error_for_status

Params = list[tuple[str, str | int | float | bool | None]]

logger = logging.getLogger("gql_server.upstream")

MAX_PAGE_SIZE = 100
LAST_INTEGER_ID_VERSION = "2026-04-01"


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Limits of every upstream call."""

    timeout: float = 10.0
    max_response_bytes: int = 16 * 1024 * 1024


class FactorialClient:
    """Speaks Factorial's REST API over a shared `httpx.AsyncClient`.

    The client holds no credential: each request of ours opens an `UpstreamSession` with the
    caller's credential and its own stats, so nothing of one caller reaches another.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        api_version: str,
        options: ClientOptions | None = None,
    ) -> None:
        self.http = http
        self.api_version = api_version
        self.root = f"{base_url.rstrip('/')}/api/{api_version}/resources/"
        self.options = options or ClientOptions()
        # Whether the upstream honours `page=` (offset pages); unlearned on the first sign
        # that it does not.
        self.offset_pages = True
        self._in_flight: dict[tuple[str, str, str], asyncio.Future[Any]] = {}
        self.sizes = CollectionSizes()

    @property
    def integer_ids(self) -> bool:
        """Whether this API version carries ids as JSON integers (up to 2026-04-01)."""
        return self.api_version <= LAST_INTEGER_ID_VERSION

    def encode_id(self, value: str) -> int | str | None:
        """An id as this version's request bodies carry it; None if it cannot be one."""
        if not self.integer_ids:
            return value
        return int(value) if value.isdigit() else None

    async def get_shared(
        self, path: str, params: Params, credential: Credential | None, stats: UpstreamStats
    ) -> Any:
        """A GET that joins an identical one already in flight for the same credential.

        Concurrent requests asking Factorial the same question with the same credential share
        one upstream call; different credentials never share, so no caller can see an answer
        given to another.
        """
        if credential is None:
            raise UpstreamUnauthenticated("No Factorial credential was given.")
        key = (credential.fingerprint, path, str(httpx.QueryParams(params)))
        shared = self._in_flight.get(key)
        if shared is None:
            shared = asyncio.ensure_future(self.send("GET", path, credential, stats, params=params))
            self._in_flight[key] = shared
            shared.add_done_callback(lambda _: self._in_flight.pop(key, None))
            # Shielded: one caller giving up must not cancel the call for the others.
            return await asyncio.shield(shared)
        stats.shared_started()
        try:
            return await asyncio.shield(shared)
        finally:
            stats.shared_finished()

    async def send(
        self,
        method: str,
        path: str,
        credential: Credential | None,
        stats: UpstreamStats,
        *,
        params: Params | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """Make one upstream call and return its decoded JSON body, or raise an UpstreamError."""
        if credential is None:
            raise UpstreamUnauthenticated("No Factorial credential was given.")
        headers = {"accept": "application/json", **credential.headers()}
        content = None
        if body is not None:
            headers["content-type"] = "application/json"
            content = orjson.dumps(body)
        request = self.http.build_request(
            method,
            self.root + path,
            params=params,
            headers=headers,
            content=content,
        )
        stats.call_started()
        started = time.perf_counter()
        status: int | str = "error"
        try:
            async with asyncio.timeout(self.options.timeout):
                status, response_headers, raw = await self._exchange(request)
        except TimeoutError:
            status = "timeout"
            raise UpstreamTimeout() from None
        except httpx.TimeoutException:
            status = "timeout"
            raise UpstreamTimeout() from None
        except httpx.TransportError:
            status = "unreachable"
            raise UpstreamUnavailable() from None
        finally:
            stats.call_finished()
            logger.info(
                "upstream call",
                extra={
                    "method": method,
                    "path": request.url.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "credential": credential.fingerprint[:8],
                },
            )
        if not 200 <= status < 300:
            raise error_for_status(status, response_headers, raw)
        content_type = response_headers.get("content-type", "application/json")
        if "json" not in content_type:
            raise UpstreamBadResponse()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise UpstreamBadResponse() from None

    async def _exchange(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        """Send a request and read its body, refusing bodies over the size cap."""
        response = await self.http.send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.options.max_response_bytes:
                raise UpstreamBadResponse("Factorial sent a response larger than allowed.")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.options.max_response_bytes:
                    raise UpstreamBadResponse("Factorial sent a response larger than allowed.")
                chunks.append(chunk)
        finally:
            await response.aclose()
        return response.status_code, response.headers, b"".join(chunks)
