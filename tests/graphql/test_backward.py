"""`last`/`before` on every connection: the same records and cursors as `first`/`after`."""

from __future__ import annotations

from typing import Any

import pytest

from gql_server.simulator import handlers as sim_handlers
from gql_server.simulator import pagination as sim_pagination

from ..gateway import Gateway, build_store, open_gateway

EDGES = "{ totalCount edges { cursor node { id } } pageInfo { %s } }"
PAGE_INFO = "hasNextPage hasPreviousPage startCursor endCursor"


async def page(gw: Gateway, field: str, args: dict[str, Any], parent: str = "") -> Any:
    """One page of `field` (under `parent`, a query path with `{}` for the connection)."""
    names = ", ".join(f"{k}: ${k}" for k in args)
    types = {"first": "Int", "last": "Int", "after": "String", "before": "String"}
    declared = ", ".join(f"${k}: {types[k]}" for k in args)
    selection = f"{field}({names}) " + EDGES % PAGE_INFO
    body = parent.replace("{}", selection) if parent else selection
    query = f"query({declared}) {{ {body} }}" if args else f"{{ {body} }}"
    data = await gw.data(query, args)
    if parent:
        data = data[parent.split("(")[0].strip()]
    return data[field]


def check_page_info(connection: Any) -> None:
    edges = connection["edges"]
    info = connection["pageInfo"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)


async def forwards(gw: Gateway, field: str, size: int, parent: str = "") -> list[tuple[str, str]]:
    """(id, cursor) of every edge, reading `first: size` pages with `after: endCursor`."""
    seen: list[tuple[str, str]] = []
    args: dict[str, Any] = {"first": size}
    for number in range(1000):
        connection = await page(gw, field, args, parent)
        check_page_info(connection)
        assert connection["pageInfo"]["hasPreviousPage"] is (number > 0)
        seen += [(e["node"]["id"], e["cursor"]) for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return seen
        args = {"first": size, "after": connection["pageInfo"]["endCursor"]}
    raise AssertionError("paging forwards did not end")


async def backwards(gw: Gateway, field: str, size: int, parent: str = "") -> list[tuple[str, str]]:
    """(id, cursor) of every edge, reading `last: size` pages with `before: startCursor`."""
    pages: list[list[tuple[str, str]]] = []
    args: dict[str, Any] = {"last": size}
    for number in range(1000):
        connection = await page(gw, field, args, parent)
        check_page_info(connection)
        assert connection["pageInfo"]["hasNextPage"] is (number > 0)
        pages.insert(0, [(e["node"]["id"], e["cursor"]) for e in connection["edges"]])
        if not connection["pageInfo"]["hasPreviousPage"]:
            return [edge for part in pages for edge in part]
        args = {"last": size, "before": connection["pageInfo"]["startCursor"]}
    raise AssertionError("paging backwards did not end")


@pytest.mark.parametrize(
    ("records", "size", "end_calls"),
    [
        (0, 100, 1),
        (1, 100, 1),
        (99, 100, 1),
        (100, 100, 1),
        (101, 100, 2),  # the first page, then the offset page holding the last record
        (250, 100, 3),  # the first page, then offset pages 2 and 3 of 100
        (250, 7, 2),  # the first page, then offset page 3 of 100 (records 201 to 250)
        (100, 10, 1),
    ],
)
async def test_top_level_pages_agree_both_ways_one_call_a_page(
    records: int, size: int, end_calls: int
) -> None:
    store = build_store(resources=1, values_per_resource=records)
    async with open_gateway(store) as gw:
        ahead = await forwards(gw, "values", size)
        assert [i for i, _ in ahead] == [str(i) for i in sorted(store.values)]
        assert gw.sim.total_calls == max(1, -(-records // size))
        gw.sim.calls.clear()

        back = await backwards(gw, "values", size)
        assert back == ahead  # the same records, in the same order, with the same cursors
        pages = max(1, -(-records // size))
        # The end of the list costs `end_calls`; every page before a cursor, one call.
        assert gw.sim.total_calls == end_calls + pages - 1


@pytest.mark.parametrize("field", ["schemas", "resources"])
async def test_schemas_and_resources_page_backwards_too(field: str) -> None:
    store = build_store(schemas=23, resources=23, values_per_resource=0)
    async with open_gateway(store) as gw:
        ahead = await forwards(gw, field, 5)
        assert len(ahead) == 23
        gw.sim.calls.clear()
        assert await backwards(gw, field, 5) == ahead
        assert gw.sim.total_calls == 5  # five pages, the last one first


@pytest.mark.parametrize("size", [1, 4, 23, 100])
async def test_in_memory_windows_agree_both_ways(size: int) -> None:
    store = build_store(schemas=1, resources=23, values_per_resource=lambda i: 23 if i == 0 else 1)
    resource = min(store.resources)
    schema = min(store.schemas)
    async with open_gateway(store) as gw:
        values = f'resource(id: "{resource}") {{ {{}} }}'
        ahead = await forwards(gw, "values", size, values)
        assert len(ahead) == 23
        assert await backwards(gw, "values", size, values) == ahead
        resources = f'schema(id: "{schema}") {{ {{}} }}'
        ahead = await forwards(gw, "resources", size, resources)
        assert len(ahead) == 23
        assert await backwards(gw, "resources", size, resources) == ahead


async def test_any_edge_cursor_reads_the_page_before_it() -> None:
    store = build_store(resources=1, values_per_resource=30)
    ids = [str(i) for i in sorted(store.values)]
    async with open_gateway(store) as gw:
        edges = (await page(gw, "values", {"first": 20}))["edges"]
        gw.sim.calls.clear()
        before = await page(gw, "values", {"last": 4, "before": edges[12]["cursor"]})
        assert [e["node"]["id"] for e in before["edges"]] == ids[8:12]
        assert [e["cursor"] for e in before["edges"]] == [e["cursor"] for e in edges[8:12]]
        assert before["pageInfo"]["hasPreviousPage"] is True
        assert before["pageInfo"]["hasNextPage"] is True
        assert before["totalCount"] == 30
        assert gw.sim.total_calls == 1
        first = await page(gw, "values", {"last": 4, "before": edges[2]["cursor"]})
        assert [e["node"]["id"] for e in first["edges"]] == ids[:2]
        assert first["pageInfo"]["hasPreviousPage"] is False
        empty = await page(gw, "values", {"last": 0, "before": edges[2]["cursor"]})
        assert empty["edges"] == [] and empty["pageInfo"]["hasPreviousPage"] is True


async def test_a_full_page_at_the_start_is_checked_once() -> None:
    """200 records, `last: 100` before the 101st: a full answer without a page before it
    would also be what an upstream answering the first ones sends: one call checks."""
    store = build_store(resources=1, values_per_resource=200)
    async with open_gateway(store) as gw:
        ahead = await forwards(gw, "values", 100)
        gw.sim.calls.clear()
        assert await backwards(gw, "values", 100) == ahead
        assert gw.sim.total_calls == 2 + 2  # the end (first page, page 2); the page and its check


@pytest.fixture
def first_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """A simulator whose `before_id` with `limit` answers the first records before the cursor."""
    original = sim_pagination.paginate

    def paginate(rows: Any, params: Any) -> Any:
        before = params.get("before_id")
        if before is None or params.get("after_id"):
            return original(rows, params)
        cursor = sim_pagination.decode_cursor(before)
        return original(
            [r for r in rows if cursor is None or r.id < cursor],
            {k: v for k, v in params.items() if k != "before_id"},
        )

    monkeypatch.setattr(sim_handlers, "paginate", paginate)


@pytest.mark.parametrize(("records", "size"), [(250, 100), (95, 10), (30, 7)])
async def test_an_upstream_answering_the_first_ones_is_read_right(
    first_ones: None, records: int, size: int
) -> None:
    store = build_store(resources=1, values_per_resource=records)
    async with open_gateway(store) as gw:
        ahead = await forwards(gw, "values", size)
        assert await backwards(gw, "values", size) == ahead


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ("last: 101", "last"),
        ("last: -1", "last"),
        ("first: 5, last: 5", "last"),
        ('first: 5, before: "WyIxIiwwXQ"', "before"),
        ('last: 5, after: "WyIxIiwwXQ"', "after"),
        ('last: 5, before: "not a cursor"', "before"),
        ('last: 5, before: "W251bGwsM10"', "before"),  # [null, 3]: an in-memory list's cursor
    ],
)
async def test_bad_backward_arguments_are_refused_before_any_call(
    arguments: str, field: str
) -> None:
    async with open_gateway(build_store(resources=3)) as gw:
        body = await gw.query(f"{{ values({arguments}) {{ nodes {{ id }} }} }}")
        [error] = body["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
        assert f"`{field}`" in error["message"]
        assert gw.sim.total_calls == 0
        nested = await gw.query(
            f"{{ schemas {{ nodes {{ resources({arguments}) {{ totalCount }} }} }} }}"
        )
        codes = {
            (e["extensions"]["code"], e["extensions"]["field"]) for e in nested.get("errors", [])
        }
        # [null, 3] is a cursor of an in-memory list, so `schema.resources` takes it.
        in_memory = "W251bGwsM10" in arguments
        assert codes == (set() if in_memory else {("BAD_USER_INPUT", field)})
