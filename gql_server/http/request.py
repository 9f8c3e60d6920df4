"""Reading a GraphQL-over-HTTP request: its parameters from a GET query string or a POST body.

Anything that makes the HTTP request itself unusable (a body that is too large or not JSON,
parameters of the wrong type, an array when batching is off) is an HTTPError: it is answered
with its own status and one BAD_REQUEST error, whatever media type the client accepts. A
well-formed request that is refused as GraphQL is a RequestRefused (or another GatewayError).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request

from ..graphql.errors import GatewayError

JSON = "application/json"


class HTTPError(Exception):
    """A request that cannot be executed at all, answered with a status and one error."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


class RequestRefused(GatewayError):
    """A well-formed GraphQL request refused before execution. Like a validation error it is
    answered with 200 to application/json, and with `status` to
    application/graphql-response+json (whose responses without `data` must not be 2xx)."""

    code = "BAD_REQUEST"
    status = 400


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    """One GraphQL request: `query` is None when it is named by a persisted query hash."""

    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def _loads(raw: bytes | str, what: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        # orjson refuses JSON nested deeper than 1024 levels with this same error.
        detail = " (nested too deeply)" if "depth limit" in str(error) else ""
        raise HTTPError(400, f"{what} is not valid JSON{detail}.") from None


def _query_param_object(raw: str | None, name: str) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    return _object(_loads(raw, f"`{name}`"), name)


def _object(value: Any, name: str) -> dict[str, Any] | None:
    if value is not None and not isinstance(value, dict):
        raise HTTPError(400, f"`{name}` must be a JSON object.")
    return value


def params_from_mapping(data: Mapping[str, Any]) -> GraphQLParams:
    """The parameters of one request, each checked for its type (the spec's well-formedness)."""
    query = data.get("query")
    if query is not None and not isinstance(query, str):
        raise HTTPError(400, "`query` must be a string.")
    extensions = _object(data.get("extensions"), "extensions")
    if (query is None or not query.strip()) and not (extensions or {}).get("persistedQuery"):
        raise HTTPError(400, "The request has no `query`.")
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise HTTPError(400, "`operationName` must be a string.")
    return GraphQLParams(
        query or None,
        _object(data.get("variables"), "variables"),
        operation_name or None,
        extensions,
    )


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPError(413, f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPError(413, f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_content_type(request: Request) -> None:
    media, *params = (p.strip() for p in request.headers.get("content-type", "").split(";"))
    if media.lower() != JSON:
        raise HTTPError(415, "Send the request as application/json.")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise HTTPError(415, "Send the request body in utf-8.")


async def read_params(
    request: Request, *, max_body_bytes: int, max_batch_size: int
) -> list[GraphQLParams] | GraphQLParams:
    """The request's parameters: a list when it is an array batch, else one GraphQLParams."""
    if request.method == "GET":
        query_params = request.query_params
        return params_from_mapping(
            {
                "query": query_params.get("query"),
                "variables": _query_param_object(query_params.get("variables"), "variables"),
                "operationName": query_params.get("operationName"),
                "extensions": _query_param_object(query_params.get("extensions"), "extensions"),
            }
        )
    _check_content_type(request)
    data = _loads(await read_body(request, max_body_bytes), "The request body")
    if isinstance(data, list):
        if max_batch_size == 0:
            raise HTTPError(400, "Batched requests (a JSON array) are not enabled on this server.")
        if not data or len(data) > max_batch_size:
            raise HTTPError(400, f"A batch holds 1 to {max_batch_size} operations.")
        if not all(isinstance(item, dict) for item in data):
            raise HTTPError(400, "Each operation of a batch must be a JSON object.")
        return [params_from_mapping(item) for item in data]
    if not isinstance(data, dict):
        raise HTTPError(400, "The request body must be a JSON object.")
    return params_from_mapping(data)
