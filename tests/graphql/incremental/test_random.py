"""Random queries with @defer and @stream: the parts add up to the plain answer, at its cost.

The queries are drawn from the schema as in tests/graphql/test_random_queries.py (seeded, so a
failure replays), with some selections moved into deferred inline fragments (labelled or not,
nested) and some object lists streamed with an initialCount of 0 to 2. Each is answered in
parts (the two formats in turn) and whole, over the same demo data: merged, the parts must be
the whole answer, errors included.

Upstream, every call but a read by ids must be one the plain query makes too; reads by ids
may differ (README, "Incremental delivery"). A deferred fragment starts after the payload
before it, so it cannot share that payload's batches: its reads of a kind that payload reads
at the same moment are a call of their own (seeds 250, 278), and a record the plain query
found in a list that is now deferred is read by id (seed 193). Conversely, what the payload
before it read costs a fragment nothing. Either way the cost estimate stays an upper bound:
the calls exceed it by no more than the plain query's do (`cell(fieldId)` reads the row's
resource, which the estimate misses: seed 70).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

from gql_server.graphql import build_schema
from gql_server.simulator import Simulator
from gql_server.simulator.calls import CallRecord
from gql_server.simulator.demo import build_demo_store

from ...gateway import open_gateway
from ...multipart import merge, read_parts, spec_of, strip_directives
from ..test_random_queries import _arguments

SEEDS = range(300)
MAX_DEPTH = 5
ACCEPT = {
    0: "multipart/mixed;deferSpec=20220824, application/json",
    1: "multipart/mixed;incrementalSpec=v0.2, application/json",
}


def _is_list(type_: Any) -> bool:
    return isinstance(type_.of_type if isinstance(type_, GraphQLNonNull) else type_, GraphQLList)


def _selection(
    rng: random.Random, object_type: GraphQLObjectType, depth: int, labels: list[str]
) -> str:
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
            inner = _selection(rng, named, depth + 1, labels)
            stream = ""
            if _is_list(field.type) and rng.random() < 0.3:
                stream = f" @stream(initialCount: {rng.randint(0, 2)})"
            selection = f"{name}{arguments}{stream} {{ {inner} }}"
        else:
            selection = f"{name}{arguments}"
        alias = f"a{index}: " if rng.random() < 0.25 else ""
        parts.append(alias + selection)
    if not parts or rng.random() < 0.15:
        parts.append("__typename")
    if len(parts) > 1 and rng.random() < 0.5:
        deferred = rng.sample(parts, k=rng.randint(1, len(parts) - 1))
        label = ""
        if rng.random() < 0.5:
            labels.append(f"d{len(labels)}")
            label = f'(label: "{labels[-1]}")'
        parts = [p for p in parts if p not in deferred]
        parts.append(f"... @defer{label} {{ {' '.join(deferred)} }}")
    return " ".join(parts)


def random_query(seed: int) -> str:
    rng = random.Random(seed)
    query_type = build_schema()._schema.query_type
    assert query_type is not None
    return "{ " + _selection(rng, query_type, 1, []) + " }"


async def _answers(
    query: str, accept: str
) -> tuple[dict[str, Any], list[CallRecord], Any, list[CallRecord]]:
    sim = Simulator(build_demo_store(schemas=3, resources=24))
    async with open_gateway(sim) as gateway:
        plain = (await gateway.post(strip_directives(query))).json()
        plain_calls = list(sim.call_log)
        sim.reset_calls()
        response = await gateway.post(query, headers={"accept": accept})
        return plain, plain_calls, response, list(sim.call_log)


def _errors(answer: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (repr(e.get("path")), e["message"], e["extensions"]["code"])
        for e in answer.get("errors", ())
    )


def _others(calls: Iterable[CallRecord]) -> Counter[str]:
    """The calls other than reads by ids (lists, a row's cells), with their parameters."""
    return Counter(
        f"{call.key}?{sorted(call.params)}"
        for call in calls
        if not any(name in ("ids[]", "field_ids[]") for name, _ in call.params)
    )


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_incremental_query_adds_up_to_the_plain_answer(seed: int) -> None:
    query = random_query(seed)
    plain, plain_calls, response, calls = await _answers(query, ACCEPT[seed % 2])
    assert response.status_code == 200, query
    content_type = response.headers["content-type"]
    if content_type.startswith("multipart/mixed"):
        answer = merge(read_parts(response.content, content_type), spec_of(content_type))
    else:  # nothing was deferred after all (empty lists, a root field that failed)
        answer = response.json()
    assert answer.get("data") == plain.get("data"), query
    assert _errors(answer) == _errors(plain), query
    assert _others(calls) - _others(plain_calls) == Counter(), query
    estimate = answer["extensions"]["upstream"]["estimated"]
    assert len(calls) - estimate <= max(0, len(plain_calls) - estimate), query
