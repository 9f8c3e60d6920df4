"""Executing an operation whose client accepts incremental delivery."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, NamedTuple

from graphql import DocumentNode, ExecutionResult, GraphQLSchema

from ..execution import is_awaitable
from .executor import IncrementalExecutor
from .schedule import Increment, Schedule


class IncrementalResult(NamedTuple):
    """An answer in several payloads: the initial result, what it announces, and the schedule
    that yields the rest (`Schedule.increments`)."""

    initial: ExecutionResult
    announced: Increment
    schedule: Schedule


def execute_incrementally(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    context_value: Any,
    variable_values: dict[str, Any] | None,
    operation_name: str | None,
    hide_suggestions: bool,
) -> ExecutionResult | Awaitable[ExecutionResult | IncrementalResult]:
    """`graphql.execute` on the column executor, honouring @defer and @stream.

    An ExecutionResult returned at once is a request that never executed (an unknown
    operation, variables that do not coerce), as with graphql-core. An operation that defers
    nothing after all (`if: false`, lists no longer than their initialCount) is answered with
    one ExecutionResult too.
    """
    executor = IncrementalExecutor.build(
        schema,
        document,
        context_value=context_value,
        raw_variable_values=variable_values,
        operation_name=operation_name,
        is_awaitable=is_awaitable,
        hide_suggestions=hide_suggestions,
    )
    if isinstance(executor, list):
        return ExecutionResult(None, executor)
    assert isinstance(executor, IncrementalExecutor)
    return _execute(executor)


async def _execute(executor: IncrementalExecutor) -> ExecutionResult | IncrementalResult:
    schedule = Schedule()
    executor.shared.start_stream = schedule.start_stream
    try:
        outcome = executor.execute_operation()
        result = await outcome if is_awaitable(outcome) else outcome
        assert isinstance(result, ExecutionResult)
        announced = schedule.first(executor, result.data, list(result.errors or ()))
    except BaseException:
        schedule.cancel()
        raise
    if not schedule.has_next:
        await schedule.aclose()  # streams found below a null, cancelled
        return result
    return IncrementalResult(result, announced, schedule)
