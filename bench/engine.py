"""Suite (b): CPU per request of the gateway's engine, against plain graphql-core and Ariadne.

All in this one process, over the same recorded upstream answers (`inmemory.MemoryClient`: the
same sessions and loaders, no httpx, no JSON decoding, no latency), so what differs is the
GraphQL engine and the request path. Two paths, each the same for every contender:

- `asgi`: a POST through each one's ASGI app (the gateway's `create_app`; graphql-core in a
  one-route Starlette app with a document cache; `ariadne.asgi.GraphQL`), called directly;
- `execute`: graphql-core's execution on each one's schema with a pre-parsed document and a
  fresh context, and the data encoded as JSON (`experimental_execute_incrementally`, which is
  what `graphql.execute` runs: the gateway's schema declares @defer and @stream, which
  `execute` refuses to see): the engine alone (strawberry's types and the
  gateway's executor vs hand-attached resolvers on graphql-core's). Encoding is counted
  because the gateway's objects are rows that become JSON objects only then (rows.py).

CPU is `time.process_time` over a batch of sequential requests; contenders take turns batch by
batch (ABAB, rotating who goes first), and each round gives one ratio.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLSchema, experimental_execute_incrementally, parse

from gql_server.graphql import build_schema
from gql_server.graphql.columns import ColumnExecutor
from gql_server.graphql.execution import is_awaitable
from gql_server.graphql.rows import encode
from gql_server.loading.context import build_context

from . import asgi_call, baselines
from .data import Shape
from .inmemory import CREDENTIAL, MemoryClient, Recording
from .inprocess import gateway_settings, running_gateway
from .queries import NESTED, SMALL
from .stats import Spread

CONTENDERS = ("gateway", "graphql-core", "ariadne")


@dataclass(frozen=True, slots=True)
class EnginePlan:
    nested_resources: int = 100
    per_schema: int = 50
    values: int = 3
    batch: int = 50
    rounds: int = 15


Request = Callable[[], Awaitable[object]]


def _asgi_request(app: asgi_call.ASGIApp, query: str) -> Request:
    body = orjson.dumps({"query": query})

    async def request() -> object:
        status, raw = await asgi_call.post(app, body)
        if status != 200 or b'"errors"' in raw:
            raise RuntimeError(f"{status}: {raw[:300]!r}")
        return raw

    return request


def _execute_request(
    schema: GraphQLSchema, query: str, context: Callable[[], object], **options: Any
) -> Request:
    document = parse(query)

    async def request() -> object:
        outcome = experimental_execute_incrementally(
            schema, document, context_value=context(), **options
        )
        result = await outcome if isawaitable(outcome) else outcome
        # The bench's queries have no @defer or @stream: always one whole answer.
        assert isinstance(result, ExecutionResult)
        if result.errors:
            raise RuntimeError(str(result.errors[0]))
        return encode(result.data)

    return request


async def _cpu_ms(request: Request, batch: int) -> float:
    started = time.process_time()
    for _ in range(batch):
        await request()
    return (time.process_time() - started) * 1000 / batch


async def compare(requests: dict[str, Request], batch: int, rounds: int) -> dict[str, Any]:
    """CPU ms per request of each contender, and each baseline's ratio (gateway / baseline)."""
    for request in requests.values():
        for _ in range(max(3, batch // 5)):
            await request()
    names = list(requests)
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            cpu[name].append(await _cpu_ms(requests[name], batch))
    result: dict[str, Any] = {"cpu_ms": {n: Spread.of(v).as_dict() for n, v in cpu.items()}}
    result["ratio"] = {
        n: Spread.of([g / b for g, b in zip(cpu["gateway"], cpu[n], strict=True)]).as_dict()
        for n in names
        if n != "gateway"
    }
    return result


async def run_engine(plan: EnginePlan, log: Callable[[str], None]) -> dict[str, Any]:
    shape = Shape(plan.nested_resources, plan.per_schema, plan.values)
    recording = Recording(shape)
    results: dict[str, Any] = {"shape": {"resources": shape.resources, "values": shape.values}}
    async with running_gateway(
        gateway_settings(), client=lambda http: MemoryClient(http, recording)
    ) as gateway:
        client: MemoryClient = gateway.state.client
        core_app = baselines.core_app(client)
        ariadne_app = baselines.ariadne_app(client)
        gateway_schema = build_schema()._schema
        schemas = {
            "gateway": (gateway_schema, lambda: build_context(client, CREDENTIAL, "bench")),
            "graphql-core": (baselines.core_schema(), lambda: baselines.new_context(client)),
            "ariadne": (baselines.ariadne_schema(), lambda: baselines.new_context(client)),
        }
        # Each engine executes as it does in its own server: the gateway with its executor.
        options: dict[str, dict[str, Any]] = {
            "gateway": {"executor_class": ColumnExecutor, "is_awaitable": is_awaitable}
        }
        for query_name, query in (("small", SMALL), ("nested", NESTED)):
            asgi = {
                "gateway": _asgi_request(gateway, query),
                "graphql-core": _asgi_request(core_app, query),
                "ariadne": _asgi_request(ariadne_app, query),
            }
            direct = {
                name: _execute_request(schema, query, context, **options.get(name, {}))
                for name, (schema, context) in schemas.items()
            }
            await _check_same_data(asgi)
            for path, requests in (("asgi", asgi), ("execute", direct)):
                batch = plan.batch if query_name == "small" else max(5, plan.batch // 5)
                outcome = await compare(requests, batch, plan.rounds)
                results[f"{query_name}/{path}"] = outcome
                ratios = ", ".join(
                    f"x{Spread(**r).text()} {n}" for n, r in outcome["ratio"].items()
                )
                log(
                    f"(b) {query_name:>6} {path:>7}: gateway "
                    f"{Spread(**outcome['cpu_ms']['gateway']).text(3)} ms CPU; {ratios}"
                )
    await recording.aclose()
    return results


async def _check_same_data(requests: dict[str, Request]) -> None:
    answers = {n: orjson.loads(await r()).get("data") for n, r in requests.items()}  # type: ignore[arg-type]
    first = answers["gateway"]
    for name, data in answers.items():
        if data != first:
            raise RuntimeError(f"{name} answers other data than the gateway")
