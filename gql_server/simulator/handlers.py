"""Answering an authenticated request for one collection: list, get, create, update, delete."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .bodies import WriteRejected
from .endpoints import Endpoint, Scope
from .pagination import CursorError, paginate
from .queries import QueryError
from .records import parse_id
from .responses import error_response, errors_response, json_response


def list_records(scope: Scope, endpoint: Endpoint, request: Request) -> Response:
    """`GET {collection}`: filtered, paginated, wrapped in `{"data", "meta"}`."""
    params = request.query_params
    try:
        rows = endpoint.select(scope, params)
        page = paginate(rows, params)
    except CursorError as exc:
        return error_response(400, "Invalid pagination cursor", field=exc.param)
    except QueryError as exc:
        return error_response(400, exc.message, field=exc.param)
    data = [endpoint.render(scope, row) for row in page.rows]
    return json_response({"data": data, "meta": page.meta})


def _find(scope: Scope, endpoint: Endpoint, raw_id: str) -> Any:
    record_id = parse_id(raw_id)
    return endpoint.find(scope.store, record_id) if record_id is not None else None


def _missing(endpoint: Endpoint) -> Response:
    return error_response(404, f"Couldn't find the {endpoint.noun}")


async def _read_body(request: Request) -> Mapping[str, Any] | Response:
    """The request's JSON object, or the 400 response saying why there is none."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        return error_response(400, "The request body is not valid JSON")
    if not isinstance(body, dict):
        return error_response(400, "The request body must be a JSON object")
    return body


def get_record(scope: Scope, endpoint: Endpoint, raw_id: str) -> Response:
    """`GET {collection}/{id}`: the bare record, or 404."""
    row = _find(scope, endpoint, raw_id)
    return _missing(endpoint) if row is None else json_response(endpoint.render(scope, row))


async def create_record(scope: Scope, endpoint: Endpoint, request: Request) -> Response:
    """`POST {collection}`: 201 with the bare record, 400 or 422 otherwise."""
    assert endpoint.create is not None
    body = await _read_body(request)
    if isinstance(body, Response):
        return body
    try:
        row = endpoint.create(scope.store, body)
    except WriteRejected as exc:
        return errors_response(422, exc.errors)
    return json_response(endpoint.render(scope, row), 201)


async def update_record(
    scope: Scope, endpoint: Endpoint, raw_id: str, request: Request
) -> Response:
    """`PUT {collection}/{id}`: 200 with the bare record, 404, 400 or 422."""
    assert endpoint.update is not None
    row = _find(scope, endpoint, raw_id)
    if row is None:
        return _missing(endpoint)
    body = await _read_body(request)
    if isinstance(body, Response):
        return body
    try:
        updated = endpoint.update(scope.store, row, body)
    except WriteRejected as exc:
        return errors_response(422, exc.errors)
    return json_response(endpoint.render(scope, updated))


def delete_record(scope: Scope, endpoint: Endpoint, raw_id: str) -> Response:
    """`DELETE {collection}/{id}`: 200 with the bare record as it was, or 404."""
    assert endpoint.delete is not None
    row = _find(scope, endpoint, raw_id)
    if row is None:
        return _missing(endpoint)
    return json_response(endpoint.render(scope, endpoint.delete(scope.store, row)))
