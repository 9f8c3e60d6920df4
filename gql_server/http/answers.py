"""Executing a checked operation, and the answer it makes: one payload, or one in parts.

A query is answered in parts only when its client accepts them and it uses @defer or @stream
(`answer_in_parts`); everything else is answered whole by the column executor, which then
ignores those directives: they ask, and a server may deliver everything at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLSchema,
    experimental_execute_incrementally,
)

from ..graphql.columns import ColumnExecutor
from ..graphql.errors import format_error
from ..graphql.execution import is_awaitable
from ..graphql.incremental import execute_incrementally
from ..loading.context import Context
from .increments import IncrementalFormat
from .multipart import IncrementalAnswer
from .request import GraphQLParams

Price = Callable[[], dict[str, Any]] | None
"""The request's bill for `extensions.upstream`, read once it has run (None: not reported)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One operation's response body, and the status a refusal asks for (None: executed)."""

    payload: dict[str, Any]
    refused_status: int | None = None
    headers: Mapping[str, str] | None = None
    writes: int = 0
    """Upstream writes begun while executing (whether or not they succeeded)."""
    parts: IncrementalAnswer | None = None
    """The rest of an answer sent in parts (then `payload` is its first)."""


async def answer_whole(
    schema: GraphQLSchema,
    document: DocumentNode,
    params: GraphQLParams,
    context: Context,
    *,
    hide_suggestions: bool,
    price: Price,
) -> Outcome:
    try:
        # `experimental_`: the schema declares @defer and @stream, which `execute` refuses.
        outcome = experimental_execute_incrementally(
            schema,
            document,
            context_value=context,
            variable_values=params.variables,
            operation_name=params.operation_name,
            hide_suggestions=hide_suggestions,
            executor_class=ColumnExecutor,
            is_awaitable=is_awaitable,
        )
        executed = isawaitable(outcome)
        result = await outcome if isawaitable(outcome) else outcome
    finally:
        context.close()
    assert isinstance(result, ExecutionResult)
    return _whole(context, result, executed, price)


async def answer_in_parts(
    schema: GraphQLSchema,
    document: DocumentNode,
    params: GraphQLParams,
    context: Context,
    parts: IncrementalFormat,
    *,
    hide_suggestions: bool,
    price: Price,
) -> Outcome:
    """A query with @defer or @stream, for a client that accepts its answer in parts. The
    context stays open until the last part is sent (multipart.py closes it)."""
    try:
        outcome = execute_incrementally(
            schema,
            document,
            context_value=context,
            variable_values=params.variables,
            operation_name=params.operation_name,
            hide_suggestions=hide_suggestions,
        )
        executed = isawaitable(outcome)
        result = await outcome if isawaitable(outcome) else outcome
    except BaseException:
        context.close()
        raise
    if isinstance(result, ExecutionResult):  # nothing was deferred after all
        context.close()
        return _whole(context, result, executed, price)
    request_id = context.request_id
    payload: dict[str, Any] = {}
    if result.initial.errors:
        payload["errors"] = [format_error(e, request_id) for e in result.initial.errors]
    payload["data"] = result.initial.data

    def extensions() -> dict[str, Any] | None:
        return None if price is None else {"upstream": price()}

    initial = parts.initial(payload, result.announced, request_id)
    answer = IncrementalAnswer(
        initial, result.schedule, parts, request_id, extensions, context.close
    )
    return Outcome(initial, parts=answer)


def _whole(context: Context, result: ExecutionResult, executed: bool, price: Price) -> Outcome:
    # A result that came back without awaiting and without data never executed: its
    # variables could not be coerced. It is a request error, answered without `data`.
    request_failed = not executed and result.data is None
    payload: dict[str, Any] = {}
    if result.errors:
        payload["errors"] = [format_error(e, context.request_id) for e in result.errors]
    if not request_failed:
        payload["data"] = result.data
    if price is not None:
        payload["extensions"] = {"upstream": price()}
    return Outcome(payload, 400 if request_failed else None, writes=context.session.writes)
