"""Upstream answers recorded once from an in-process simulator and replayed from memory.

Suites (b) and (d) run the gateway and its baselines in one process with no network and no
upstream latency, so that what they measure is the GraphQL side:

- `MemoryTransport` replays recorded response bytes through httpx: the gateway's whole upstream
  path (httpx, its client, decoding) still runs; used by suite (d).
- `MemoryClient` replays recorded, already decoded bodies at `FactorialClient.get_shared`: the
  same per-request sessions and loaders run, but not httpx nor JSON decoding; used by suite (b)
  for the gateway and both baselines alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson

from gql_server.simulator import Simulator
from gql_server.upstream import Credential, FactorialClient, UpstreamStats

from .data import Shape, build_store

BASE_URL = "http://factorial.bench"
API_VERSION = "2026-10-01"
CREDENTIAL = Credential("api_key", "bench")


class Recording:
    """Upstream bodies by URL, recorded from a simulator the first time each is asked for."""

    def __init__(self, shape: Shape) -> None:
        self._simulator = Simulator(build_store(shape))
        self._http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self._simulator.app), base_url=BASE_URL
        )
        self.bodies: dict[str, bytes] = {}

    async def body(self, url: httpx.URL) -> bytes:
        key = str(url)
        found = self.bodies.get(key)
        if found is None:
            response = await self._http.get(url, headers=CREDENTIAL.headers())
            response.raise_for_status()
            found = self.bodies[key] = response.content
        return found

    async def aclose(self) -> None:
        await self._http.aclose()


class MemoryTransport(httpx.AsyncBaseTransport):
    """An httpx transport answering every GET with the recorded body."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await self.recording.body(request.url)
        return httpx.Response(200, headers={"content-type": "application/json"}, content=body)


class MemoryClient(FactorialClient):
    """A FactorialClient whose GETs are answered from decoded recordings, without httpx."""

    def __init__(self, http: httpx.AsyncClient, recording: Recording) -> None:
        super().__init__(http, base_url=BASE_URL, api_version=API_VERSION)
        self.recording = recording
        self.decoded: dict[str, Any] = {}

    async def get_shared(
        self,
        path: str,
        query: str,
        credential: Credential | None,
        stats: UpstreamStats,
        deadline: float | None = None,
        parse: Callable[[Any], Any] | None = None,
        *,
        fresh: bool = False,
    ) -> Any:
        url = self.url(path, query)
        key = str(url)
        found = self.decoded.get(key)
        if found is None:
            found = self.decoded[key] = orjson.loads(await self.recording.body(url))
        stats.call_started()
        stats.call_finished()
        return found if parse is None else parse(found)
