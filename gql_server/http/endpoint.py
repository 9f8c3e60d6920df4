"""The /graphql endpoint: GraphQL over HTTP (POST JSON and GET), and GraphiQL for browsers.

A request goes through, in order: the Host allow-list and CSRF prevention (security.py),
method and Accept negotiation, reading its parameters (request.py), its persisted query
(persisted.py), parsing within the operation limits and validation (graphql/document.py with
limits.py; both cached per document), the pre-execution checks (`GraphQLEndpoint.checks`), and
only then execution (answers.py). Everything before execution makes no upstream call. A query
with @defer or @stream, for a client that accepts `multipart/mixed`, is answered in parts
(multipart.py), logged and counted when its last part is sent.

Status codes follow the GraphQL-over-HTTP spec: a request that is not well-formed HTTP/JSON is
a 4xx whatever the client accepts; a well-formed request whose GraphQL fails before execution
(parse, limits, validation, variables, a refused persisted query) is answered 200 to
`application/json` and 4xx to `application/graphql-response+json`; an executed one, 200.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..fleet.idempotency import LocalRecords
from ..graphql.document import DocumentCache
from ..graphql.errors import GatewayError, format_error, request_error
from ..graphql.rows import encode
from ..loading.context import Context, build_context
from ..loading.journal import WriteJournal
from ..telemetry.logs import REQUEST_ID
from ..upstream import Credential, FactorialClient, UpstreamStats
from .access import NoRequestObserver, RequestObserver, record_request
from .answers import Outcome, answer_in_parts, answer_whole
from .freshness import reads_fresh
from .idempotency import (
    REPLAYED_HEADER,
    Idempotency,
    decode_answer,
    encode_answer,
    read_key,
)
from .increments import IncrementalFormat
from .multipart import MultipartResponse, incremental_format
from .persisted import PersistedQueries
from .request import JSON, GraphQLParams, HTTPError, RequestRefused, read_params
from .security import check_csrf, check_host

logger = logging.getLogger("gql_server.endpoint")

GRAPHQL_RESPONSE = "application/graphql-response+json"
MAX_BODY_BYTES = 1024 * 1024
# The price of a request refused before execution: every response reports one.
NO_CALLS: dict[str, float | int] = UpstreamStats().as_extension()

__all__ = [
    "GRAPHQL_RESPONSE",
    "JSON",
    "EndpointOptions",
    "GraphQLEndpoint",
    "HTTPError",
    "OperationRequest",
    "PreExecutionCheck",
    "choose_media_type",
]


@dataclass(frozen=True, slots=True)
class EndpointOptions:
    report_cost: bool = True
    graphiql_html: str | None = None
    graphiql_csp: str | None = None
    server_credential: Credential | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    max_batch_size: int = 0
    csrf_prevention: bool = False
    allowed_hosts: tuple[str, ...] = ("*",)
    hide_suggestions: bool = False


@dataclass(frozen=True, slots=True)
class OperationRequest:
    """A parsed, valid operation about to run: what a pre-execution check looks at."""

    request: Request
    params: GraphQLParams
    document: DocumentNode
    operation: OperationDefinitionNode
    credential: Credential | None


PreExecutionCheck = Callable[[OperationRequest], None]
"""Runs after validation, before execution; refuses by raising a GatewayError (its code is
the error's, e.g. QueryTooComplex) or an HTTPError."""


def queries_only_over_get(operation: OperationRequest) -> None:
    """GET is for reading: a mutation over GET is a 405 (and never a cross-site write)."""
    if operation.request.method == "GET" and operation.operation.operation != OperationType.QUERY:
        raise HTTPError(405, "Only queries may be sent with GET.", {"allow": "POST"})


DEFAULT_CHECKS: tuple[PreExecutionCheck, ...] = (queries_only_over_get,)


def choose_media_type(accept: str) -> str | None:
    """The response media type for an Accept header, or None when we can offer none."""
    if not accept.strip():
        return JSON
    offered = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        offered.append((media.lower(), quality))
    # Exact matches beat wildcards at equal quality; a wildcard gets application/json, which
    # every client reads; the new media type only when it is asked for by name.
    ranks = {GRAPHQL_RESPONSE: 2, JSON: 1, "*/*": 0, "application/*": 0}
    best: tuple[float, int, str] | None = None
    for media, quality in offered:
        rank = ranks.get(media)
        if quality <= 0 or rank is None:
            continue
        key = (quality, rank, GRAPHQL_RESPONSE if rank == 2 else JSON)
        if best is None or key > best:
            best = key
    return best[2] if best else None


def wants_graphiql(request: Request) -> bool:
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "extensions" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


class GraphQLEndpoint:
    """Executes GraphQL requests against the schema with a fresh context per request."""

    def __init__(
        self,
        documents: DocumentCache,
        options: EndpointOptions,
        *,
        persisted: PersistedQueries | None = None,
        checks: Iterable[PreExecutionCheck] = DEFAULT_CHECKS,
        observer: RequestObserver | None = None,
        idempotency: Idempotency | None = None,
    ) -> None:
        self.documents = documents
        if idempotency is None:
            idempotency = Idempotency(
                LocalRecords(record_seconds=86_400, lock_seconds=60), wait_seconds=30
            )
        self.idempotency = idempotency
        self.options = options
        self.persisted = persisted if persisted is not None else PersistedQueries()
        self.checks: list[PreExecutionCheck] = list(checks)
        self.observer: RequestObserver = observer or NoRequestObserver()

    async def handle(self, request: Request) -> Response:
        """Answer one request, then log it and count it (status, error codes, time)."""
        request_id = _request_id(request)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = await self._handle(request, request_id)
        finally:
            REQUEST_ID.reset(token)
        if isinstance(response, MultipartResponse):
            # Logged and counted when its last part is sent, with the whole request's time.
            def finished(summary: dict[str, Any]) -> None:
                request.state.graphql_payloads = [summary]
                seconds = time.perf_counter() - started
                record_request(self.observer, request, 200, request_id, seconds)

            response.on_finish = finished
            return response
        record_request(
            self.observer,
            request,
            response.status_code,
            request_id,
            time.perf_counter() - started,
        )
        return response

    async def _handle(self, request: Request, request_id: str) -> Response:
        accept = request.headers.get("accept", "")
        media_type = choose_media_type(accept)
        parts = incremental_format(accept) if "multipart" in accept.lower() else None
        if media_type is None and parts is not None:
            # Only multipart/mixed is accepted: an answer in one part is sent as JSON, the
            # GraphQL-over-HTTP spec's alternative to a 406.
            media_type = JSON
        try:
            check_host(request.headers, self.options.allowed_hosts)
            if wants_graphiql(request) and self.options.graphiql_html is not None:
                csp = self.options.graphiql_csp
                headers = {"content-security-policy": csp} if csp else None
                return HTMLResponse(self.options.graphiql_html, headers=headers)
            if request.method not in ("GET", "POST"):
                raise HTTPError(405, "Use GET or POST.", {"allow": "GET, POST"})
            if media_type is None:
                raise HTTPError(
                    406,
                    f"This endpoint answers {GRAPHQL_RESPONSE} or {JSON}"
                    " (and multipart/mixed for @defer and @stream).",
                )
            credential = Credential.from_headers(request.headers)
            if credential is None:
                if self.options.csrf_prevention:
                    check_csrf(request.method, request.headers)
                credential = self.options.server_credential
            params = await read_params(
                request,
                max_body_bytes=self.options.max_body_bytes,
                max_batch_size=self.options.max_batch_size,
            )
            if isinstance(params, list):
                if read_key(request.headers) is not None:
                    raise HTTPError(400, "An Idempotency-Key names one operation, not a batch.")
                # A batch is answered in one JSON array: @defer and @stream are not honoured.
                outcomes = await asyncio.gather(
                    *(self.run(request, p, credential, request_id) for p in params)
                )
                payloads = [o.payload for o in outcomes]
                request.state.graphql_payloads = payloads
                return _respond(payloads, 200, media_type, request_id)
            outcome = await self.run(request, params, credential, request_id, parts)
        except HTTPError as error:
            logger.info("request refused: %s", error.message, extra={"request_id": request_id})
            payload = self._unpriced({"errors": [request_error("BAD_REQUEST", error.message)]})
            request.state.graphql_payloads = [payload]
            return _respond(payload, error.status, media_type or JSON, request_id, error.headers)
        if outcome.parts is not None:
            return MultipartResponse(outcome.parts, {"x-request-id": request_id})
        status = 200
        if outcome.refused_status is not None and media_type == GRAPHQL_RESPONSE:
            status = outcome.refused_status
        request.state.graphql_payloads = [outcome.payload]
        return _respond(outcome.payload, status, media_type, request_id, outcome.headers)

    async def run(
        self,
        request: Request,
        params: GraphQLParams,
        credential: Credential | None,
        request_id: str,
        parts: IncrementalFormat | None = None,
    ) -> Outcome:
        """One operation: its document, the checks, then execution (in `parts` when the
        client accepts them and the query uses @defer or @stream)."""
        try:
            resolved = await self.persisted.resolve(params)
            prepared = self.documents.prepare(resolved.query)
            if prepared.document is None or prepared.errors:
                errors = [format_error(e, request_id) for e in prepared.errors]
                return Outcome(self._unpriced({"errors": errors}), 400)
            await self.persisted.remember(resolved)
            operation = get_operation_ast(prepared.document, params.operation_name)
            if operation is not None and operation.name is not None:
                _operation_names(request).append(operation.name.value)
            if operation is None:
                message = "The document has no operation of that name, or several and no name."
                raise RequestRefused(message)
            checked = OperationRequest(request, params, prepared.document, operation, credential)
            for check in self.checks:
                check(checked)
            lease = None
            if operation.operation == OperationType.MUTATION:
                claimed = await self.idempotency.claim_request(
                    request.headers, credential, resolved.query, params
                )
                if isinstance(claimed, bytes):
                    payload, refused = decode_answer(claimed)
                    return Outcome(payload, refused, {REPLAYED_HEADER: "true"})
                lease = claimed
        except GatewayError as refusal:
            status = refusal.status if isinstance(refusal, RequestRefused) else 400
            error = GraphQLError(refusal.message, original_error=refusal)
            payload = {"errors": [format_error(error, request_id)]}
            return Outcome(self._unpriced(payload), status)
        if lease is None:
            if not prepared.incremental or operation.operation != OperationType.QUERY:
                parts = None
            return await self.execute(
                request, params, prepared.document, credential, request_id, parts=parts
            )
        # An exception leaves the record to its lock's expiry: then a retry resumes from the
        # progress noted, never writing twice what was noted.
        outcome = await self.execute(
            request, params, prepared.document, credential, request_id, journal=lease
        )
        final = lease.is_final("errors" in outcome.payload, outcome.writes)
        await lease.finish(
            encode_answer(outcome.payload, outcome.refused_status) if final else None
        )
        return outcome

    def _unpriced(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A refusal's payload, with the price of what did not run: nothing upstream."""
        if self.options.report_cost:
            payload["extensions"] = {"upstream": dict(NO_CALLS)}
        return payload

    async def execute(
        self,
        request: Request,
        params: GraphQLParams,
        document: DocumentNode,
        credential: Credential | None,
        request_id: str,
        journal: WriteJournal | None = None,
        parts: IncrementalFormat | None = None,
    ) -> Outcome:
        client: FactorialClient = request.app.state.client
        fresh = reads_fresh(request.headers, document, params.operation_name)
        context = build_context(client, credential, request_id, journal, fresh=fresh)
        price = partial(_price, request, context) if self.options.report_cost else None
        schema, hide = self.documents.schema, self.options.hide_suggestions
        if parts is not None:
            return await answer_in_parts(
                schema, document, params, context, parts, hide_suggestions=hide, price=price
            )
        return await answer_whole(
            schema, document, params, context, hide_suggestions=hide, price=price
        )


def _price(request: Request, context: Context) -> dict[str, Any]:
    """The request's bill for `extensions.upstream`, with the estimate it was let in by."""
    bill: dict[str, Any] = context.stats.as_extension()
    estimate = getattr(request.state, "upstream_estimate", None)
    if estimate is not None:
        bill["estimated"] = estimate
    return bill


def _operation_names(request: Request) -> list[str]:
    """The names of the request's operations, for the access log (batches have several)."""
    state = request.state
    if not hasattr(state, "operation_names"):
        state.operation_names = []
    names: list[str] = state.operation_names
    return names


def _request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    if 0 < len(given) <= 64 and given.replace("-", "").isalnum():
        return given
    # 128 random bits as 32 hex digits, the form of uuid4().hex at a fifth of its cost.
    return os.urandom(16).hex()


def _respond(
    payload: dict[str, Any] | list[dict[str, Any]],
    status: int,
    media_type: str,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        encode(payload),
        status_code=status,
        media_type=media_type,
        headers={"x-request-id": request_id, **(headers or {})},
    )
