"""The /graphql endpoint: GraphQL over HTTP (POST JSON and GET), and GraphiQL for browsers."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

import orjson
from graphql import OperationType, execute, get_operation_ast
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .context import build_context
from .graphql.document import DocumentCache
from .graphql.errors import format_error, request_error
from .upstream import Credential, FactorialClient

logger = logging.getLogger("gql_server.endpoint")

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
MAX_BODY_BYTES = 1024 * 1024


class HTTPError(Exception):
    """A request that cannot be executed at all, answered with a status and one error."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


@dataclass(frozen=True, slots=True)
class EndpointOptions:
    report_cost: bool = True
    graphiql_html: str | None = None
    server_credential: Credential | None = None


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
        and "text/html" in request.headers.get("accept", "")
    )


def _json_object(raw: str | None, name: str) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise HTTPError(400, f"`{name}` is not valid JSON.") from None
    if value is not None and not isinstance(value, dict):
        raise HTTPError(400, f"`{name}` must be a JSON object.")
    return value


def _params_from_mapping(data: Mapping[str, Any]) -> GraphQLParams:
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise HTTPError(400, "The request has no `query`.")
    variables = data.get("variables")
    if isinstance(variables, str):
        variables = _json_object(variables, "variables")
    if variables is not None and not isinstance(variables, dict):
        raise HTTPError(400, "`variables` must be an object.")
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise HTTPError(400, "`operationName` must be a string.")
    return GraphQLParams(query, variables, operation_name or None)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPError(413, "The request body is too large.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPError(413, "The request body is too large.")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_params(request: Request) -> GraphQLParams:
    if request.method == "GET":
        query_params = request.query_params
        return _params_from_mapping(
            {
                "query": query_params.get("query"),
                "variables": _json_object(query_params.get("variables"), "variables"),
                "operationName": query_params.get("operationName"),
            }
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON:
        raise HTTPError(415, "Send the request as application/json.")
    body = await read_body(request)
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise HTTPError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise HTTPError(400, "The request body must be a JSON object.")
    return _params_from_mapping(data)


class GraphQLEndpoint:
    """Executes GraphQL requests against the schema with a fresh context per request."""

    def __init__(self, documents: DocumentCache, options: EndpointOptions) -> None:
        self.documents = documents
        self.options = options

    async def handle(self, request: Request) -> Response:
        request_id = _request_id(request)
        if wants_graphiql(request) and self.options.graphiql_html is not None:
            return HTMLResponse(self.options.graphiql_html)
        media_type = choose_media_type(request.headers.get("accept", ""))
        try:
            if request.method not in ("GET", "POST"):
                raise HTTPError(405, "Use GET or POST.", {"allow": "GET, POST"})
            if media_type is None:
                raise HTTPError(406, f"This endpoint answers {GRAPHQL_RESPONSE} or {JSON}.")
            params = await read_params(request)
            status, payload = await self.run(request, params, media_type, request_id)
        except HTTPError as error:
            payload = {"errors": [request_error("BAD_REQUEST", error.message)]}
            return _respond(payload, error.status, media_type or JSON, request_id, error.headers)
        return _respond(payload, status, media_type, request_id)

    async def run(
        self, request: Request, params: GraphQLParams, media_type: str, request_id: str
    ) -> tuple[int, dict[str, Any]]:
        prepared = self.documents.prepare(params.query)
        if prepared.document is None or prepared.errors:
            errors = [format_error(e, request_id) for e in prepared.errors]
            return (400 if media_type == GRAPHQL_RESPONSE else 200), {"errors": errors}
        operation = get_operation_ast(prepared.document, params.operation_name)
        if operation is None:
            message = "The document has no operation of that name, or several and no name."
            raise HTTPError(400, message)
        if request.method == "GET" and operation.operation != OperationType.QUERY:
            raise HTTPError(405, "Only queries may be sent with GET.", {"allow": "POST"})
        client: FactorialClient = request.app.state.client
        credential = Credential.from_headers(request.headers) or self.options.server_credential
        context = build_context(client, credential, request_id)
        outcome = execute(
            self.documents.schema,
            prepared.document,
            context_value=context,
            variable_values=params.variables,
            operation_name=params.operation_name,
        )
        executed = isawaitable(outcome)
        result = await outcome if isawaitable(outcome) else outcome
        # A result that came back without awaiting and without data never executed: its
        # variables could not be coerced. It is a request error, answered without `data`.
        request_failed = not executed and result.data is None
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [format_error(e, request_id) for e in result.errors]
        if not request_failed:
            payload["data"] = result.data
        if self.options.report_cost:
            payload["extensions"] = {"upstream": context.stats.as_extension()}
        status = 400 if request_failed and media_type == GRAPHQL_RESPONSE else 200
        return status, payload


def _request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    if 0 < len(given) <= 64 and given.replace("-", "").isalnum():
        return given
    return uuid.uuid4().hex


def _respond(
    payload: dict[str, Any],
    status: int,
    media_type: str,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        orjson.dumps(payload),
        status_code=status,
        media_type=media_type,
        headers={"x-request-id": request_id, **(headers or {})},
    )
