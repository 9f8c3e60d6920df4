"""Batch resolvers: one call resolves a field for every object of a level.

A link field (a resource's rows, a row's resource) is written as a per-object resolver, which
graphql-core calls once per parent: a coroutine, an info and a path per object, whose loads
the loaders then gather into one upstream call. `batched` attaches a second form to such a
resolver, called by `columns.ColumnExecutor` once per column with all the parents and the
request's context. It makes the same loader calls, so the upstream calls and the answers are
the same; what goes away is the per-object machinery. Mutations, which graphql-core executes,
keep the per-object form.

A batch resolver returns one value per parent, in order, where an exception is that parent's
field error; raising fails the field for every parent, as each call would have.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from ..loading.batch_loader import BatchLoader

F = TypeVar("F", bound=Callable[..., Any])
V = TypeVar("V")

BatchResolver = Callable[..., Awaitable[list[Any]]]


def batched(batch: BatchResolver) -> Callable[[F], F]:
    """Mark a resolver method as also resolvable for many parents at once by `batch`.

    `batch(parents, context, **arguments)` takes the method's arguments by their Python names.
    """

    def mark(function: F) -> F:
        function.batch = batch  # type: ignore[attr-defined]
        return function

    return mark


async def settle(awaitables: Sequence[Awaitable[V]]) -> list[V | Exception]:
    """Each awaitable's value, or the exception it failed with; cancellation still cancels."""
    results = await asyncio.gather(*awaitables, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result
    return results  # type: ignore[return-value]


async def load_each(
    loader: BatchLoader[V], keys: Sequence[str | None]
) -> list[V | Exception | None]:
    """`loader.load(key)` for each key (None for a missing key), in one batch."""
    present = [key for key in keys if key is not None]
    loaded = iter(await settle([loader.load(key) for key in present]))
    return [None if key is None else next(loaded) for key in keys]
