"""The Factorial client: one shared httpx client, per-request sessions bound to a credential."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from ..fleet import Flights, RateGovernor, SharedStore
from ..fleet.cache import ReadCache
from .breaker import CircuitBreaker
from .cached_reads import CachedReads
from .credentials import Credential
from .errors import UpstreamError, UpstreamRateLimited, UpstreamTimeout, UpstreamUnauthenticated
from .exchange import exchange
from .failures import log_failure
from .limiter import ConcurrencyLimiter
from .observer import CallObserver, NoObserver, route_of
from .retry import RetryBudget, RetryPolicy, retry_delay
from .shared_get import SharedGets
from .sizes import CollectionSizes
from .stats import UpstreamStats
from .throttle import RateLimits, UpstreamThrottle
from .urls import with_query

logger = logging.getLogger("gql_server.upstream")

MAX_PAGE_SIZE = 100
LAST_INTEGER_ID_VERSION = "2026-04-01"


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Limits of every upstream call."""

    timeout: float = 10.0
    request_timeout: float = 30.0
    """Seconds one GraphQL request may spend on Factorial in all, retries included."""
    max_response_bytes: int = 16 * 1024 * 1024
    max_concurrency: int = 50
    max_concurrency_per_credential: int = 50
    """As many as the pool: a lower cap added a round of calls to a 1000-resource query."""
    max_queue_wait: float = 2.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    retry_budget_ratio: float = 0.2
    breaker_threshold: int = 5
    breaker_cooldown: float = 5.0
    rates: RateLimits = field(default_factory=RateLimits)


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
        observer: CallObserver | None = None,
        governor: RateGovernor | None = None,
        flights: Flights | None = None,
        cache: ReadCache | None = None,
    ) -> None:
        self.http = http
        self.api_version = api_version
        self.root = f"{base_url.rstrip('/')}/api/{api_version}/resources/"
        self.options = options or ClientOptions()
        self.observer: CallObserver = observer or NoObserver()
        # Identical GETs in flight on other processes of the fleet (None: this process alone).
        self.flights = flights
        # Whether the upstream honours `page=` (offset pages); unlearned on the first sign
        # that it does not.
        self.offset_pages = True
        # Whether `before_id` with `limit` answers the last `limit` records before the cursor
        # (True) or the first ones (False); undocumented, so learned from answers (None: not
        # yet known). See graphql/backward.py.
        self.before_takes_last: bool | None = None
        self.retry_policy = self.options.retry
        self.retry_budget = RetryBudget(ratio=self.options.retry_budget_ratio)
        self.breaker = CircuitBreaker(self.options.breaker_threshold, self.options.breaker_cooldown)
        self.limiter = ConcurrencyLimiter(
            self.options.max_concurrency,
            self.options.max_concurrency_per_credential,
            self.options.max_queue_wait,
        )
        # The read cache shared across requests (None: off), in front of the calls in flight.
        self.cache = (
            None if cache is None else CachedReads(cache, root=self.root, observer=self.observer)
        )
        self.gets = SharedGets(
            self.send,
            flights=flights,
            cache=self.cache,
            refresh_seconds=self.options.request_timeout,
        )
        self._list_urls: dict[str, httpx.URL] = {}
        self.sizes = CollectionSizes()
        # Without a governor of the fleet's, this process holds the rates on its own.
        governor = governor or RateGovernor(SharedStore(None))
        self.throttle = UpstreamThrottle(governor, self.options.rates, self.observer)

    @property
    def integer_ids(self) -> bool:
        """Whether this API version carries ids as JSON integers (up to 2026-04-01)."""
        return self.api_version <= LAST_INTEGER_ID_VERSION

    def encode_id(self, value: str) -> int | str | None:
        """An id as this version's request bodies carry it; None if it cannot be one."""
        if not self.integer_ids:
            return value
        return int(value) if value.isdigit() else None

    def url(self, path: str, query: str = "") -> httpx.URL:
        """The URL of `path` under the API root, with a query string from `encode_query`."""
        if not query:
            return httpx.URL(self.root + path)
        # Only list paths carry a query: a handful, each parsed once per process.
        base = self._list_urls.get(path)
        if base is None:
            base = httpx.URL(self.root + path)
            if len(self._list_urls) < 64:
                self._list_urls[path] = base
        return with_query(base, query)

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
        """A GET answered from the read cache, or joined to an identical one already in
        flight for the same credential, or made (`upstream/shared_get.py`).

        `query` is the query string as `encode_query` writes it. Concurrent requests asking
        Factorial the same question with the same credential share one upstream call;
        different credentials never share, so no caller can see an answer given to another.
        `fresh` skips reading the cache: the answer is made or joined, and stored for others.

        `parse`, when given, turns the decoded body into what every sharer gets (the same
        object: it must not be changed), as soon as the body is decoded. Callers asking the
        same path parse it alike. Parsing there, not in each caller, means the body's JSON
        objects are gone before the next upstream answer is read: when many pages arrive
        together, their bodies are not all held at once waiting for their callers to run.
        """
        if credential is None:
            raise UpstreamUnauthenticated("No Factorial credential was given.")
        return await self.gets.get(path, query, credential, stats, deadline, parse, fresh)

    async def aclose(self) -> None:
        """Stop the background work (the read cache's refreshes, and their calls) at
        shutdown, after the requests in flight have finished; the shared httpx client is
        its owner's to close."""
        if self.cache is not None:
            await self.cache.close()
        await self.gets.close()

    async def wrote(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        answer: Any = None,
        rows: Iterable[str] = (),
    ) -> None:
        """A write was made, or tried (a failed or timed-out one may still have changed
        something): expire what it may have changed from the read cache, fleet-wide. Awaited
        before the write's caller goes on, so a mutation answers only once it is done. `body`
        is what was sent, `answer` Factorial's answer (None when there is none), `rows` the
        rows whose cells it changes when its path and body do not say
        (`invalidation.changed_by`)."""
        if self.cache is not None:
            invalidation = self.cache.invalidate(method, path, body=body, answer=answer, rows=rows)
            # Shielded: a request cancelled meanwhile must not leave the write unannounced.
            await asyncio.shield(invalidation)

    async def send(
        self,
        method: str,
        path: str,
        credential: Credential | None,
        stats: UpstreamStats,
        *,
        query: str = "",
        body: Mapping[str, Any] | None = None,
        deadline: float | None = None,
    ) -> Any:
        """Make an upstream call, retried as the policy allows, and return its decoded body.

        `query` is a query string from `encode_query`; `deadline` (a `time.monotonic()`
        instant) bounds the call and all its retries.
        """
        if credential is None:
            raise UpstreamUnauthenticated("No Factorial credential was given.")
        headers = {"accept": "application/json", **(await credential.current_headers())}
        content = None
        if body is not None:
            headers["content-type"] = "application/json"
            content = orjson.dumps(body)
        request = self.http.build_request(
            method, self.url(path, query), headers=headers, content=content
        )
        route = route_of(path)
        attempt = 0
        renewed = False
        while True:
            remaining = _remaining(deadline)
            if remaining > 0:
                # The rate's wait is the request's time too: the attempt gets what is left.
                await self.throttle.wait_turn(method, route, credential, stats, remaining)
                remaining = _remaining(deadline)
            if remaining <= 0:
                timeout = UpstreamTimeout(
                    "The request ran out of time waiting on Factorial.",
                    cause="the request's deadline passed",
                )
                log_failure(method, route, request.url.host, timeout, attempts=attempt, final=True)
                raise timeout
            try:
                return await self._attempt(request, route, credential, stats, remaining)
            except UpstreamError as error:
                if isinstance(error, UpstreamUnauthenticated) and credential.tokens and not renewed:
                    # A refreshed token refused (expired early, revoked): once with a new one.
                    # A 401 did nothing upstream, so even a write is safe to send again.
                    renewed = True
                    await credential.tokens.rejected(_bearer_of(request))
                    request.headers.update(await credential.current_headers())
                    continue
                if isinstance(error, UpstreamRateLimited) and error.retry_after is not None:
                    await self.throttle.pause(credential, error.retry_after)
                delay = retry_delay(self.retry_policy, method, error, attempt, _remaining(deadline))
                retrying = delay is not None and self.retry_budget.try_spend()
                host = request.url.host
                log_failure(method, route, host, error, attempts=attempt + 1, final=not retrying)
                if delay is None or not retrying:
                    raise
            stats.retries += 1
            self.observer.retried(method, route)
            attempt += 1
            await asyncio.sleep(delay)

    async def _attempt(
        self,
        request: httpx.Request,
        route: str,
        credential: Credential,
        stats: UpstreamStats,
        remaining: float,
    ) -> Any:
        """One try: through the breaker and the concurrency caps, then one exchange."""
        self.breaker.before_call()
        async with self.limiter.slot(credential.fingerprint):
            self.retry_budget.record_call()
            stats.call_started()
            started = time.perf_counter()
            outcome = "error"
            try:
                status, body = await exchange(
                    self.http,
                    request,
                    seconds=min(self.options.timeout, remaining),
                    max_bytes=self.options.max_response_bytes,
                )
                outcome = str(status)
            except UpstreamError as error:
                outcome = error.code if error.status is None else str(error.status)
                self.breaker.record_failure(error)
                raise
            finally:
                stats.call_finished()
                seconds = time.perf_counter() - started
                self.observer.call_finished(request.method, route, outcome, seconds)
                if logger.isEnabledFor(logging.DEBUG):
                    logger.debug(
                        "upstream call",
                        extra={
                            "method": request.method,
                            "route": route,
                            "outcome": outcome,
                            "duration_ms": round(seconds * 1000, 2),
                            "credential": credential.fingerprint[:8],
                        },
                    )
            self.breaker.record_success()
            return body


def _bearer_of(request: httpx.Request) -> str:
    authorization: str = request.headers.get("authorization", "")
    return authorization.partition(" ")[2]


def _remaining(deadline: float | None) -> float:
    return float("inf") if deadline is None else deadline - time.monotonic()
