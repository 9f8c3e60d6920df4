"""Simulator: the Starlette app that answers like Factorial, with call counts and faults."""

from __future__ import annotations

import asyncio
import datetime
import random
from collections import Counter
from collections.abc import Mapping, Set

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .auth import Credential, is_accepted, read_credential
from .calls import CallRecord
from .control import control_routes
from .endpoints import ENDPOINTS, Scope
from .fault_responses import answer_in_place, apply_fault
from .faults import Fault, FaultBook
from .handlers import create_record, delete_record, get_record, list_records, update_record
from .oauth import OAuthServer
from .responses import error_response, json_response
from .routing import COLLECTIONS, ApiTarget, resolve
from .store import SimulatorStore
from .write_limit import WriteLimit

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class Simulator:
    """A fake of Factorial's custom resources API (and the custom fields and employees it
    leans on) over a SimulatorStore.

    `api_keys` / `access_tokens`: None accepts any non-empty `x-api-key` / Bearer token, a set
    only those. `tenants` maps a credential's secret to that tenant's store; other credentials
    read `store`. `sdk_fields` adds the community SDK's fields to resources. `seed` drives
    `jitter` and fault `rate`. `oauth` serves `/oauth/authorize` and `/oauth/token`; the access
    tokens it issues open the API until they expire (401 after), whatever `access_tokens` says.
    Serve `app` in-process (httpx.ASGITransport) or on a port.
    """

    def __init__(
        self,
        store: SimulatorStore,
        *,
        api_keys: Set[str] | None = None,
        access_tokens: Set[str] | None = None,
        sdk_fields: bool = True,
        tenants: Mapping[str, SimulatorStore] | None = None,
        seed: int = 0,
        oauth: OAuthServer | None = None,
    ) -> None:
        self.store = store
        self.api_keys = api_keys
        self.access_tokens = access_tokens
        self.sdk_fields = sdk_fields
        self.tenants: Mapping[str, SimulatorStore] = tenants or {}
        self.oauth = oauth
        self.latency = 0.0
        self.jitter = 0.0
        self.calls: Counter[str] = Counter()
        # Factorial's write limit per credential, when set (off by default).
        self.write_limit: WriteLimit | None = None
        self.call_log: list[CallRecord] = []
        # Not for security: a seeded generator makes jitter and fault rates reproducible.
        self._rng = random.Random(seed)  # noqa: S311
        self._faults = FaultBook(self._rng)
        oauth_routes = []
        if oauth is not None:
            oauth_routes = [
                Route("/oauth/authorize", oauth.authorize, methods=["GET"]),
                Route("/oauth/token", oauth.token, methods=["POST"]),
                Route("/_simulator/oauth", oauth.describe, methods=["GET"]),
                Route("/_simulator/oauth/revoke", oauth.revoke_all, methods=["POST"]),
            ]
        self.app = Starlette(
            routes=[
                Route("/", self._describe, methods=["GET"]),
                *oauth_routes,
                *control_routes(self),
                Route("/api/{rest:path}", self._api, methods=ALL_METHODS),
                Route("/{rest:path}", self._not_found, methods=ALL_METHODS),
            ]
        )

    @property
    def total_calls(self) -> int:
        """How many requests reached /api/ since the last reset."""
        return self.calls.total()

    def reset_calls(self) -> None:
        """Forget the call counts and the call log."""
        self.calls.clear()
        self.call_log.clear()

    def inject(self, fault: Fault) -> None:
        """Arm `fault` after those already armed (the first that matches wins)."""
        self._faults.add(fault)

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self._faults.clear()

    async def _describe(self, request: Request) -> Response:
        return json_response(
            {
                "name": "Factorial custom resources simulator",
                "endpoints": [f"/api/{{version}}/resources/{c}[/{{id}}]" for c in COLLECTIONS],
            }
        )

    async def _not_found(self, request: Request) -> Response:
        return error_response(404, "No route matches this path")

    async def _api(self, request: Request) -> Response:
        method = request.method
        # The path parameter, not the raw path, so the app also works mounted under a prefix.
        target = resolve("/api/" + str(request.path_params["rest"]))
        credential = read_credential(request.headers)
        record = CallRecord(
            method=method,
            route=target.key,
            path=request.url.path,
            params=list(request.query_params.multi_items()),
            credential_kind=credential.kind if credential else None,
        )
        self.calls[record.key] += 1
        self.call_log.append(record)
        delay = self.latency + (self._rng.uniform(0, self.jitter) if self.jitter > 0 else 0.0)
        fault = self._faults.take(method, target.key, credential.secret if credential else None)
        if fault is not None:
            delay += fault.latency
        if delay > 0:
            await asyncio.sleep(delay)
        limited = (
            self.write_limit.retry_after(method, credential.secret if credential else None)
            if self.write_limit is not None and fault is None
            else None
        )
        if limited is not None:
            response = error_response(429, headers={"retry-after": str(limited)})
        elif fault is None:
            response = await self._answer(request, target, credential)
        elif fault.status is not None:
            response = apply_fault(fault, answer_in_place(fault))
        else:
            response = apply_fault(fault, await self._answer(request, target, credential))
        record.status = response.status_code
        return response

    async def _answer(
        self, request: Request, target: ApiTarget, credential: Credential | None
    ) -> Response:
        if target.collection is None or target.version is None:
            return error_response(404, "No route matches this path")
        endpoint = ENDPOINTS[target.collection]
        allowed = endpoint.methods(record=target.record_id is not None)
        if request.method not in allowed:
            return error_response(405, headers={"allow": ", ".join(allowed)})
        accepted = is_accepted(credential, api_keys=self.api_keys, access_tokens=self.access_tokens)
        oauth = self.oauth
        if credential is not None and oauth is not None and oauth.knows(credential.secret):
            accepted = credential.kind == "bearer" and oauth.accepts(credential.secret)
        if credential is None or not accepted:
            return error_response(401)
        scope = Scope(
            store=self.tenants.get(credential.secret, self.store),
            version=target.version,
            sdk_fields=self.sdk_fields,
            today=datetime.datetime.now(datetime.UTC).date(),
        )
        record_id = target.record_id
        if record_id is None:
            if request.method == "POST":
                return await create_record(scope, endpoint, request)
            return list_records(scope, endpoint, request)
        if request.method == "PUT":
            return await update_record(scope, endpoint, record_id, request)
        if request.method == "DELETE":
            return delete_record(scope, endpoint, record_id)
        return get_record(scope, endpoint, record_id)
