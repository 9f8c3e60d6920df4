"""Answering an authenticated request for one collection: list, get by id, create."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .pagination import CursorError, paginate
from .queries import select_resources, select_schemas, select_values
from .records import ApiVersion, Record, parse_id, render_resource, render_schema, render_value
from .responses import error_response, errors_response, json_response
from .routing import Collection
from .store import SimulatorStore
from .writes import WriteRejected, create_schema, create_value


@dataclass(frozen=True, slots=True)
class Scope:
    """The store a request reads (its tenant's) and how records are written for it."""

    store: SimulatorStore
    version: ApiVersion
    sdk_fields: bool

    def render(self, collection: Collection, row: Any) -> Record:
        """Render one row of `collection` for this request's version."""
        if collection == "schemas":
            return render_schema(row, self.version)
        if collection == "resources":
            schema_name = self.store.schema_name(row.schema_id)
            return render_resource(
                row, self.version, schema_name=schema_name, sdk_fields=self.sdk_fields
            )
        return render_value(row, self.version)


def list_records(scope: Scope, collection: Collection, request: Request) -> Response:
    """`GET {collection}`: filtered, paginated, wrapped in `{"data", "meta"}`."""
    params = request.query_params
    rows: Any
    if collection == "schemas":
        rows = select_schemas(scope.store, params)
    elif collection == "resources":
        rows = select_resources(scope.store, params)
    else:
        rows = select_values(scope.store, params)
    try:
        page = paginate(rows, params)
    except CursorError as exc:
        return error_response(400, "Invalid pagination cursor", field=exc.param)
    data = [scope.render(collection, row) for row in page.rows]
    return json_response({"data": data, "meta": page.meta})


def get_record(scope: Scope, collection: Collection, raw_id: str) -> Response:
    """`GET {collection}/{id}`: the bare record, or 404."""
    record_id = parse_id(raw_id)
    table: dict[int, Any]
    if collection == "schemas":
        table = scope.store.schemas
    elif collection == "resources":
        table = scope.store.resources
    else:
        table = scope.store.values
    row = table.get(record_id) if record_id is not None else None
    if row is None:
        return error_response(404, f"Couldn't find the {collection[:-1]}")
    return json_response(scope.render(collection, row))


async def create_record(scope: Scope, collection: Collection, request: Request) -> Response:
    """`POST schemas` or `POST values`: 201 with the bare record, 400 or 422 otherwise."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        return error_response(400, "The request body is not valid JSON")
    if not isinstance(body, dict):
        return error_response(400, "The request body must be a JSON object")
    try:
        row: Any = (
            create_schema(scope.store, body)
            if collection == "schemas"
            else create_value(scope.store, body)
        )
    except WriteRejected as exc:
        return errors_response(422, exc.errors)
    return json_response(scope.render(collection, row), 201)
