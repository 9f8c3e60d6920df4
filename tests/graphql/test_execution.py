"""The fast executor answers exactly as graphql-core's own, errors included."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

import pytest
from graphql import ExecutionResult, build_schema, execute, parse

from gql_server.graphql.execution import GatewayExecutor, is_awaitable
from gql_server.graphql.schema import _read_attribute

SDL = """
type Query { items: [Item] }
type Item { id: ID!  label: String  rank: Int!  kind: Kind  other(x: Int): String }
enum Kind { A B }
"""


@dataclass
class Item:
    id: Any
    label: Any
    rank: Any
    kind: Any


class Broken:
    @property
    def id(self) -> str:
        raise ValueError("no id")

    label = rank = kind = None


ITEMS = [Item("1", "one", 1, "A"), Item(2, None, None, "B"), Item("3", "x", "not an int", None)]


def schema() -> Any:
    built = build_schema(SDL)
    item = built.type_map["Item"]
    for name in ("id", "label", "rank", "kind"):
        item.fields[name].resolve = _read_attribute(name)
    item.fields["other"].resolve = lambda source, info, x=None: f"other {x}"
    return built


def run(query: str, **kwargs: Any) -> ExecutionResult:
    async def items(source: object, info: object) -> list[object]:
        await asyncio.sleep(0)
        return [*ITEMS, Broken()]

    built = schema()
    built.query_type.fields["items"].resolve = items
    outcome = execute(built, parse(query), **kwargs)
    assert isawaitable(outcome)
    return asyncio.run(outcome)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query",
    [
        "{ items { id label rank kind } }",
        "{ items { id other(x: 2) a: label b: label } }",
        "{ items { label kind } }",
    ],
)
def test_same_data_and_errors_as_graphql_core(query: str) -> None:
    expected = run(query)
    fast = run(query, executor_class=GatewayExecutor, is_awaitable=is_awaitable)
    assert fast.data == expected.data
    assert [e.formatted for e in fast.errors or []] == [e.formatted for e in expected.errors or []]


def test_is_awaitable_agrees_with_graphql_core() -> None:
    from graphql.pyutils import is_awaitable as core_is_awaitable

    async def coroutine() -> None:
        return None

    running = coroutine()
    loop = asyncio.new_event_loop()
    future = loop.create_future()
    for value in ["x", 1, 1.5, True, None, {}, [], (), Item(1, 2, 3, 4), running, future]:
        assert is_awaitable(value) == core_is_awaitable(value)
    running.close()
    loop.close()
