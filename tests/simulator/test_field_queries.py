"""The custom fields lists over HTTP: every filter the official SDK sends, and pagination."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gql_server.simulator import Simulator, SimulatorStore, build_demo_store

from .support import API_KEY, BASE_URL, OLD, api_url, table_store

FIELDS = "custom_fields/fields"
OPTIONS = "custom_fields/options"
COLUMNS = "custom_fields/resource_fields"
CELLS = "custom_fields/values"


@pytest.fixture
def store() -> SimulatorStore:
    return table_store()


def ids_of(response: httpx.Response) -> list[object]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["total"] == len(body["data"])
    return [record["id"] for record in body["data"]]


@pytest.mark.parametrize(
    ("collection", "query", "expected"),
    [
        (FIELDS, "", ["12", "13", "17", "18", "19"]),
        (FIELDS, "ids[]=13&ids[]=12&ids[]=14", ["12", "13"]),  # 14 is an option
        (FIELDS, "field_type=single_choice", ["13", "19"]),
        (FIELDS, "field_type=rating", []),
        (FIELDS, "label=Model", ["12"]),
        (FIELDS, "label=model", []),  # exact
        (FIELDS, "slug=t_shirt_size", ["19"]),
        (FIELDS, "company_id=9", ["12", "13", "17", "18", "19"]),
        (FIELDS, "company_id=1", []),
        (FIELDS, "field_type=date&label=Issued%20on", ["18"]),
        (FIELDS, "schema_ids[]=2&color=red", ["12", "13", "17", "18", "19"]),  # ignored
        (OPTIONS, "", ["14", "15", "16", "20", "21"]),
        (OPTIONS, "field_ids[]=13", ["14", "15", "16"]),
        (OPTIONS, "field_ids[]=13&field_ids[]=19&ids[]=16&ids[]=20", ["16", "20"]),
        (OPTIONS, "field_id=13", ["14", "15", "16", "20", "21"]),  # singular: unknown
        (COLUMNS, "", ["22", "23", "24", "25"]),
        (COLUMNS, "schema_ids[]=1", ["22", "23", "24"]),
        (COLUMNS, "schema_ids[]=1&schema_ids[]=2", ["22", "23", "24", "25"]),
        (COLUMNS, "schema_ids[]=99", []),
        (COLUMNS, "field_ids[]=18&field_ids[]=12", ["22", "25"]),
        (COLUMNS, "ids[]=23&schema_ids[]=1&field_ids[]=13", ["23"]),
        (COLUMNS, "schema_id=2", ["22", "23", "24", "25"]),  # singular: unknown
    ],
)
async def test_definition_filters(
    client: httpx.AsyncClient, collection: str, query: str, expected: list[str]
) -> None:
    assert ids_of(await client.get(f"{api_url(collection)}?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["26", "27", "28", "29", "30", "31", "32", "33", "34"]),
        # The cells of one table row, and those of employee 7: instance_id ignores the type.
        ("instance_id=7", ["26", "27", "28", "34"]),
        ("instance_id=8", ["29"]),
        ("instance_id=42", ["33"]),  # an employee's own cell: check valuable_type
        ("instance_id=abc", []),
        ("instance_id=", ["26", "27", "28", "29", "30", "31", "32", "33", "34"]),  # blank
        ("ids[]=29&ids[]=26", ["26", "29"]),
        ("field_id=12", ["26", "29", "31", "32"]),
        ("field_id=12&instance_id=10", ["31"]),
        ("slug=model", ["26", "29", "31", "32"]),
        ("value=macos", ["27"]),
        ("value=MacBook%20Pro&field_id=12", ["26"]),
        ("employee_ids[]=42", ["26", "27", "28", "29", "30", "33"]),  # rows and profile
        ("employee_ids[]=7", ["31", "34"]),
        ("employee_ids[]=3", []),  # team 3 owns row 11, but it is no employee
        ("employee_ids[]=7&employee_ids[]=42&field_id=12", ["26", "29", "31"]),
        ("updated_at_gteq=2025-02-01", ["31", "32"]),  # a date means its midnight, UTC
        ("updated_at_gteq=2025-02-01T00:00:01Z", ["31"]),
        ("updated_at_gteq=2025-03-01T13:00:00%2B01:00", ["31"]),
        (
            "instance_ids[]=7&instance_ids[]=8",
            ["26", "27", "28", "29", "30", "31", "32", "33", "34"],
        ),
    ],
)
async def test_cell_filters(client: httpx.AsyncClient, query: str, expected: list[str]) -> None:
    assert ids_of(await client.get(f"{api_url(CELLS)}?{query}")) == expected


async def test_cell_filter_by_field_identifier(
    client: httpx.AsyncClient, store: SimulatorStore
) -> None:
    model, system = store.fields[12].identifier, store.fields[13].identifier
    response = await client.get(
        api_url(CELLS), params=[("identifiers[]", model), ("identifiers[]", system)]
    )
    assert ids_of(response) == ["26", "27", "29", "31", "32"]
    assert ids_of(await client.get(api_url(CELLS), params={"identifiers[]": "nope"})) == []


async def test_bad_updated_at_gteq_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get(api_url(CELLS), params={"updated_at_gteq": "last tuesday"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "malformed_request",
            "message": "updated_at_gteq must be an ISO 8601 date",
            "field": "updated_at_gteq",
        }
    ]


@pytest.fixture
async def demo_client() -> AsyncIterator[tuple[httpx.AsyncClient, SimulatorStore]]:
    store = build_demo_store(resources=60)
    transport = httpx.ASGITransport(app=Simulator(store).app)
    headers = {"x-api-key": API_KEY}
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as c:
        yield c, store


@pytest.mark.parametrize("collection", [FIELDS, OPTIONS, COLUMNS, CELLS])
async def test_cursor_walk_and_limit_clamp(
    demo_client: tuple[httpx.AsyncClient, SimulatorStore], collection: str
) -> None:
    client, store = demo_client
    expected = {
        FIELDS: sorted(store.fields),
        OPTIONS: sorted(store.options),
        COLUMNS: sorted(store.resource_fields),
        CELLS: [c.id for c in store.cells],
    }[collection]
    seen: list[int] = []
    params: dict[str, str | int] = {"limit": 500}
    while True:
        body = (await client.get(api_url(collection, version=OLD), params=params)).json()
        assert len(body["data"]) <= 100
        assert body["meta"]["limit"] == 100
        seen.extend(record["id"] for record in body["data"])
        if not body["meta"]["has_next_page"]:
            break
        params["after_id"] = body["meta"]["end_cursor"]
    assert seen == expected


async def test_page_pagination_and_before_id(
    demo_client: tuple[httpx.AsyncClient, SimulatorStore],
) -> None:
    client, store = demo_client
    cell_ids = [str(c.id) for c in store.cells]
    pages = [
        (await client.get(api_url(CELLS), params={"page": n, "limit": 40})).json() for n in (1, 2)
    ]
    assert [r["id"] for p in pages for r in p["data"]] == cell_ids[:80]
    assert pages[1]["meta"]["has_previous_page"] is True
    before = await client.get(
        api_url(CELLS), params={"before_id": pages[1]["meta"]["start_cursor"], "limit": 3}
    )
    assert ids_of_page(before) == cell_ids[37:40]
    bad = await client.get(api_url(CELLS), params={"after_id": "nope"})
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "after_id")


def ids_of_page(response: httpx.Response) -> list[object]:
    return [record["id"] for record in response.json()["data"]]
