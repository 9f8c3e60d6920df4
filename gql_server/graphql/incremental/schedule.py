"""When the units of an incremental response run, and what each payload after the first says.

- The initial payload is completed as any query is, without its deferred fragments and with
  each streamed list cut to its initialCount; it goes out as soon as its own data is complete.
- A streamed list's remaining items start in the loop turn that cut the list: they select the
  same fields as its first items, so their loads join the first items' batches and cost what
  the plain query costs.
- The deferred units found in a payload, or in the streams it started, start together once all
  of those are delivered: their loads batch with each other, and never queue ahead of the work
  of the payload before them (the initial payload has the upstream to itself).
- Each unit's payload goes out as soon as it completes, with whatever else completed at that
  moment: a slow unit holds back no other. A record is announced (`pending`) once the payload
  that found it is delivered and the fragment around it has completed; nothing of it is sent
  before.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
from collections.abc import AsyncGenerator
from typing import Any, NamedTuple

from graphql import GraphQLError, located_error

from ..completion import NULLED
from .executor import IncrementalExecutor
from .records import (
    DeferredUnit,
    Done,
    Found,
    InitialUnit,
    PathKeys,
    Record,
    State,
    StreamUnit,
    Unit,
    Work,
)

INITIAL = InitialUnit()


class Deferred(NamedTuple):
    """Data of a deferred fragment: `record`'s fragment, for the object at `path`."""

    record: Record
    path: PathKeys
    data: Any
    errors: list[GraphQLError]


class Streamed(NamedTuple):
    """The remaining items of `record`'s list."""

    record: Record
    items: list[Any]
    errors: list[GraphQLError]


class Completed(NamedTuple):
    """`record` is complete; with `errors` when it failed (a null reached its root)."""

    record: Record
    errors: list[GraphQLError] | None


class Increment:
    """What one payload says, in neither protocol's words (http/increments.py writes them)."""

    __slots__ = ("completed", "deferred", "pending", "streamed")

    def __init__(self) -> None:
        self.pending: list[Record] = []
        self.deferred: list[Deferred] = []
        self.streamed: list[Streamed] = []
        self.completed: list[Completed] = []

    def __bool__(self) -> bool:
        return bool(self.pending or self.deferred or self.streamed or self.completed)


class Schedule:
    """The units of one response: started, awaited, and delivered in order.

    `first` delivers the initial payload; `increments` then yields each later payload, and
    `aclose` (also run when `increments` ends) cancels whatever still runs.
    """

    def __init__(self) -> None:
        # The request's context (its request id, for the logs), for the tasks started later.
        self._context = contextvars.copy_context()
        self._executor: IncrementalExecutor | None = None
        self._tasks: dict[asyncio.Task[Any], tuple[Unit, IncrementalExecutor]] = {}
        self._streams: dict[int, asyncio.Task[Any]] = {}
        self._cancelled: set[asyncio.Task[Any]] = set()
        self._startable: list[DeferredUnit] = []
        self._ready: list[Done] = []
        self._waiting: list[Record] = []  # delivered, not announced yet
        self._open: list[Record] = []  # announced, not complete yet
        self._ids = itertools.count()

    def start_stream(self, unit: StreamUnit, executor: IncrementalExecutor) -> None:
        """Start a stream as the executor finds it; it belongs to the finder's work."""
        work = executor.work
        work.outstanding += 1
        self._streams[id(unit)] = self._start(unit, executor.for_unit(None, work))

    def first(
        self, executor: IncrementalExecutor, data: Any, errors: list[GraphQLError]
    ) -> Increment:
        """Deliver the initial payload: what it announces."""
        self._executor = executor
        increment = Increment()
        self._ready.append(Done(INITIAL, executor.work, [data], errors, executor.found))
        self._settle(increment)
        return increment

    @property
    def has_next(self) -> bool:
        return bool(self._startable) or any(t not in self._cancelled for t in self._tasks)

    async def increments(self) -> AsyncGenerator[Increment, None]:
        """Each payload after the first, as units complete."""
        try:
            while True:
                self._launch()
                if not self._tasks:
                    return
                finished, _ = await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in finished:
                    self._ready.append(self._done(task))
                increment = Increment()
                self._settle(increment)
                if increment:
                    yield increment
        finally:
            await self.aclose()

    def cancel(self) -> None:
        """Cancel every running unit (they finish on their own)."""
        for task in self._tasks:
            task.cancel()
        self._startable.clear()

    async def aclose(self) -> None:
        """Cancel every running unit and wait until they have stopped."""
        tasks = list(self._tasks)
        self.cancel()
        self._tasks.clear()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- running --------------------------------------------------------------------------

    def _start(self, unit: DeferredUnit | StreamUnit, executor: IncrementalExecutor) -> Any:
        task = asyncio.get_running_loop().create_task(
            _complete(executor, unit), context=self._context.copy()
        )
        self._tasks[task] = (unit, executor)
        return task

    def _launch(self) -> None:
        startable, self._startable = self._startable, []
        for unit in startable:
            assert self._executor is not None  # units are found only after `first`
            self._start(unit, self._executor.for_unit(unit.usages, Work()))

    def _done(self, task: asyncio.Task[Any]) -> Done:
        unit, executor = self._tasks.pop(task)
        self._streams.pop(id(unit), None)
        self._cancelled.discard(task)
        if task.cancelled():
            return Done(unit, executor.work, None, [], Found())
        error = task.exception()
        if error is not None:  # not a field error: the unit fails at each of its objects
            raised = error if isinstance(error, Exception) else RuntimeError(repr(error))
            failures = [located_error(raised, None, list(path)) for path in unit.paths]
            return Done(unit, executor.work, [NULLED] * len(unit.paths), failures, Found())
        values = task.result()
        return Done(unit, executor.work, values, executor.collected_errors.errors, executor.found)

    # -- delivering -----------------------------------------------------------------------

    def _settle(self, increment: Increment) -> None:
        """Deliver what can be, announce and complete what can be, until nothing changes."""
        progress = True
        while progress:
            progress = False
            blocked = []
            for done in self._ready:
                if any(r.state is State.WAITING for rs in done.unit.records for r in rs):
                    blocked.append(done)
                else:
                    self._deliver(done, increment)
                    progress = True
            self._ready = blocked
            waiting = []
            for record in self._waiting:
                parent = record.parent
                if parent is not None and parent.state in (State.FAILED, State.DROPPED):
                    record.state = State.DROPPED
                elif parent is None or parent.state is State.COMPLETED:
                    self._announce(record, increment)
                else:
                    waiting.append(record)
                    continue
                progress = True
            self._waiting = waiting
            still_open = []
            for record in self._open:
                if record.state is State.ANNOUNCED and record.units == 0:
                    record.state = State.COMPLETED
                    increment.completed.append(Completed(record, None))
                    progress = True
                if record.state is State.ANNOUNCED:
                    still_open.append(record)
            self._open = still_open

    def _announce(self, record: Record, increment: Increment) -> None:
        if record.units == 0:
            # Every field of this fragment is also selected outside it, so was sent already:
            # nothing will come, and it is not announced. Fragments inside it are, in its place.
            record.state = State.COMPLETED
            return
        record.state = State.ANNOUNCED
        record.id = str(next(self._ids))
        increment.pending.append(record)
        self._open.append(record)

    def _deliver(self, done: Done, increment: Increment) -> None:
        unit = done.unit
        if done.values is not None:
            for index, records in enumerate(unit.records):
                live = [r for r in records if r.state is State.ANNOUNCED]
                if live:
                    self._entry(done, index, live, increment)
        self._adopt(done)
        for records in unit.records:
            for record in records:
                record.units -= 1
        work = done.work
        work.outstanding -= 1
        if work.outstanding == 0:
            self._startable += work.deferred
            work.deferred = []

    def _entry(self, done: Done, index: int, live: list[Record], increment: Increment) -> None:
        assert done.values is not None
        value = done.values[index]
        errors = done.errors_at(index)
        if value is NULLED:
            for record in live:
                record.state = State.FAILED
                increment.completed.append(Completed(record, errors))
        elif isinstance(done.unit, StreamUnit):
            increment.streamed.append(Streamed(live[0], value, errors))
        else:
            # The fragment written closest to the object names the data (the others are
            # around it); their own completion says they have it.
            record = max(live, key=lambda r: len(r.path))
            increment.deferred.append(Deferred(record, done.unit.paths[index], value, errors))

    def _adopt(self, done: Done) -> None:
        """Take on what the unit found, except what lies below a null in what it delivered."""
        found = done.found
        if not found:
            return
        check = done.values is None or bool(done.errors)

        def present(path: PathKeys) -> bool:
            return not check or done.holds(path)

        for record in found.records:
            if present(record.path):
                self._waiting.append(record)
            else:
                record.state = State.DROPPED
        for stream in found.streams:
            if all(r.state is State.DROPPED for rs in stream.records for r in rs):
                task = self._streams.get(id(stream))
                if task is not None:
                    task.cancel()
                    self._cancelled.add(task)
        for unit in found.deferred:
            keep = [i for i, path in enumerate(unit.paths) if present(path)]
            if not keep:
                continue
            if len(keep) < len(unit.paths):
                unit = unit.subset(keep)
            for records in unit.records:
                for record in records:
                    record.units += 1
            done.work.deferred.append(unit)


async def _complete(executor: IncrementalExecutor, unit: DeferredUnit | StreamUnit) -> Any:
    values = executor.run(unit)
    return await values if executor.is_awaitable(values) else values
