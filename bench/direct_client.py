"""The baseline of suite (a): a hand-written async client for the nested query.

It makes exactly the upstream calls the gateway's loaders make (gql_server/loaders.py) and
builds the same `data` as the gateway's answer to `queries.NESTED`:

1. the schemas page (`limit=100`);
2. the whole resources collection: the first page, then the other pages at once by `page=`;
3. the rows of the resources shown (100 a schema): by `employee_ids[]`, 100 employees a call,
   each read like (2); or, when an owner is not an employee, the whole values collection.

The httpx client is configured as the gateway's (`gql_server/app.py`): same timeouts, same pool.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import httpx
import orjson

from .queries import PAGE_LIMIT

API_VERSION = "2026-10-01"
SCHEMAS = "custom_resources/schemas"
RESOURCES = "custom_resources/resources"
VALUES = "custom_resources/values"
Params = list[tuple[str, str | int | float | bool | None]]
Record = dict[str, Any]


def open_http(max_connections: int = 50) -> httpx.AsyncClient:
    """An httpx client configured like the gateway's upstream client."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(10.0, connect=3.0),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
    )


class DirectClient:
    """Reads Factorial directly, as an application without the gateway would."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: str = "bench") -> None:
        self.http = http
        self.root = f"{base_url.rstrip('/')}/api/{API_VERSION}/resources/"
        self.headers = {"accept": "application/json", "x-api-key": api_key}

    async def get(self, path: str, params: Params) -> Any:
        response = await self.http.get(self.root + path, params=params, headers=self.headers)
        response.raise_for_status()
        return orjson.loads(response.content)

    async def fetch_all(self, path: str, filters: Params) -> list[Record]:
        """Every record of a filtered list: page 1, then the rest at once by `page=`."""
        first = await self.get(path, [*filters, ("limit", str(PAGE_LIMIT))])
        records: list[Record] = list(first["data"])
        meta = first.get("meta") or {}
        if not meta.get("has_next_page") or not records:
            return records
        size = len(records)
        pages = await asyncio.gather(
            *(
                self.get(path, [*filters, ("limit", str(size)), ("page", str(number))])
                for number in range(2, math.ceil(meta["total"] / size) + 1)
            )
        )
        for page in pages:
            records.extend(page["data"])
        return records

    async def rows_by_employee(self, employees: Sequence[str]) -> list[Record]:
        unique = list(dict.fromkeys(employees))
        chunks = [unique[i : i + PAGE_LIMIT] for i in range(0, len(unique), PAGE_LIMIT)]
        results = await asyncio.gather(
            *(self.fetch_all(VALUES, [("employee_ids[]", e) for e in chunk]) for chunk in chunks)
        )
        return [row for rows in results for row in rows]

    async def nested(self) -> dict[str, Any]:
        """The `data` of the gateway's answer to `queries.NESTED`."""
        schemas = (await self.get(SCHEMAS, [("limit", str(PAGE_LIMIT))]))["data"]
        by_schema: defaultdict[str, list[Record]] = defaultdict(list)
        for resource in await self.fetch_all(RESOURCES, []):
            if resource.get("schema_id") is not None:
                by_schema[str(resource["schema_id"])].append(resource)
        shown = [r for s in schemas for r in by_schema[str(s["id"])][:PAGE_LIMIT]]
        if all(r.get("attachable_type") == "Employee" for r in shown):
            rows = await self.rows_by_employee([str(r["attachable_id"]) for r in shown])
        else:
            rows = await self.fetch_all(VALUES, [])
        by_resource: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
        for row in rows:
            by_resource[str(row["resource_id"])].append({"id": str(row["id"])})
        return {
            "schemas": {
                "nodes": [
                    {
                        "id": str(schema["id"]),
                        "name": schema["name"],
                        "resources": {
                            "nodes": [
                                {
                                    "id": str(r["id"]),
                                    "attachableId": _optional_str(r.get("attachable_id")),
                                    "values": {"nodes": by_resource[str(r["id"])][:PAGE_LIMIT]},
                                }
                                for r in by_schema[str(schema["id"])][:PAGE_LIMIT]
                            ]
                        },
                    }
                    for schema in schemas
                ]
            }
        }


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)
