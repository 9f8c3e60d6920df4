"""Random queries over the gateway's own schema: the column executor answers as graphql-core's.

Each query is drawn from the schema itself (seeded, so a failure replays): random fields at
every level up to a depth, aliases, inline fragments, `__typename`, `first` values including
refused ones, and ids that exist or do not. The gateway answers it twice over the same demo
data, once with its executor and once with graphql-core's per-object one; data, errors and
upstream calls must agree (the one documented difference: inside a subtree that ends up
null, the column executor reports every error, graphql-core the first).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)

import gql_server.http.answers
from gql_server.graphql import build_schema
from gql_server.graphql.execution import GatewayExecutor
from gql_server.simulator import Simulator
from gql_server.simulator.demo import build_demo_store

from ..gateway import open_gateway

SEEDS = range(60)
MAX_DEPTH = 5


def _argument_value(rng: random.Random, type_: Any, name: str) -> str | None:
    """A literal for an argument, or None to leave an optional one out."""
    required = isinstance(type_, GraphQLNonNull)
    named = get_named_type(type_)
    if not required and rng.random() < 0.6:
        return None
    if isinstance(named, GraphQLInputObjectType):
        return None
    if name == "first":
        return str(rng.choice([0, 1, 2, 3, 5, 100, -1]))
    if name in ("after", "before"):
        return rng.choice(['"bm90IGEgY3Vyc29y"', '"WyJ4IiwgMl0"'])
    if isinstance(named, GraphQLScalarType) and named.name == "ID":
        ids = [str(i) for i in rng.sample(range(1, 60), 3)] + ["999999"]
        if isinstance(type_.of_type if required else type_, GraphQLList):
            return "[" + ", ".join(f'"{i}"' for i in ids[:2]) + "]"
        return f'"{rng.choice(ids)}"'
    if isinstance(named, GraphQLScalarType) and named.name == "Int":
        return str(rng.randint(0, 3))
    if isinstance(named, GraphQLScalarType) and named.name == "String":
        return '"size"'
    if isinstance(named, GraphQLScalarType) and named.name == "Boolean":
        return rng.choice(["true", "false"])
    if isinstance(named, GraphQLEnumType):
        return rng.choice(list(named.values))
    return None


def _arguments(rng: random.Random, field: GraphQLField) -> str | None:
    parts = []
    for name, argument in field.args.items():
        value = _argument_value(rng, argument.type, name)
        if value is None:
            if isinstance(argument.type, GraphQLNonNull):
                return None  # a required argument this generator cannot write
            continue
        parts.append(f"{name}: {value}")
    return f"({', '.join(parts)})" if parts else ""


def _selection(rng: random.Random, object_type: GraphQLObjectType, depth: int) -> str:
    fields = list(object_type.fields.items())
    chosen = rng.sample(fields, k=min(len(fields), rng.randint(1, 4)))
    parts = []
    for index, (name, field) in enumerate(chosen):
        arguments = _arguments(rng, field)
        if arguments is None:
            continue
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType):
            if depth >= MAX_DEPTH:
                continue
            inner = _selection(rng, named, depth + 1)
            if rng.random() < 0.2:
                inner = f"... on {named.name} {{ {inner} }}"
            selection = f"{name}{arguments} {{ {inner} }}"
        else:
            selection = f"{name}{arguments}"
        alias = f"a{index}: " if rng.random() < 0.25 else ""
        parts.append(alias + selection)
    if not parts or rng.random() < 0.15:
        parts.append("__typename")
    return " ".join(parts)


def random_query(seed: int) -> str:
    rng = random.Random(seed)
    query_type = build_schema()._schema.query_type
    assert query_type is not None
    return "{ " + _selection(rng, query_type, 1) + " }"


async def _answer(query: str, *, per_object: bool) -> tuple[dict[str, Any], int]:
    sim = Simulator(build_demo_store(schemas=3, resources=24))
    async with open_gateway(sim) as gateway:
        with pytest.MonkeyPatch.context() as patch:
            if per_object:
                patch.setattr(gql_server.http.answers, "ColumnExecutor", GatewayExecutor)
            response = await gateway.post(query)
        body: dict[str, Any] = response.json()
        body.pop("extensions", None)
        return body, sim.total_calls


def _under_null(data: Any, path: list[Any]) -> bool:
    for depth in range(1, len(path)):
        node = data
        for key in path[:depth]:
            node = node[key]
        if node is None:
            return True
    return data is None


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_query_answers_as_graphql_core(seed: int) -> None:
    query = random_query(seed)
    columns, column_calls = await _answer(query, per_object=False)
    single, single_calls = await _answer(query, per_object=True)
    assert columns.get("data") == single.get("data"), query
    ours = [repr(e) for e in columns.get("errors", [])]
    theirs = [repr(e) for e in single.get("errors", [])]
    assert [e for e in theirs if e not in ours] == [], query
    for extra in (e for e in columns.get("errors", []) if repr(e) not in theirs):
        assert _under_null(columns.get("data"), extra["path"]), (query, extra)
    assert column_calls == single_calls, query
