"""What incremental delivery is made of: the records a client is told about, and the units of
work that fill them.

A `Record` is what the response protocol names: one deferred fragment at one object, or one
streamed list. A unit is work done for a whole level at once: a `DeferredUnit` completes the
fields a set of deferred fragments selects, for every object of a level they apply to; a
`StreamUnit` completes the remaining items of every streamed list of one field at one level.
One unit fills many records: a fragment deferred under a hundred rows is a hundred records and
one unit, completed with the calls of one level, not of a hundred.

`Done` is a unit's outcome. It answers what the schedule asks of it: the errors of each of its
objects, and whether a position below them is present in what it completed (work found below a
position that a null took is dropped, as graphql-core drops it).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from graphql import GraphQLError, GraphQLObjectType, GraphQLOutputType
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.execution.incremental.build_execution_plan import DeferUsageSet

from ..completion import NULLED, Site
from ..positions import Subset, Where
from ..rows import Row

PathKeys = tuple[str | int, ...]


class State(Enum):
    WAITING = "waiting"  # found; not yet announced, so nothing of it may be sent
    ANNOUNCED = "announced"  # pending: its data is sent as it comes
    COMPLETED = "completed"
    FAILED = "failed"  # a null reached its root: completed with its errors, without data
    DROPPED = "dropped"  # below a null or under a failed record: never announced


class Record:
    """One deferred fragment at one object, or one streamed list: one `pending` entry."""

    __slots__ = ("first", "id", "label", "parent", "path", "state", "units")

    def __init__(
        self, path: PathKeys, label: str | None, parent: Record | None, first: int | None = None
    ) -> None:
        self.path = path
        self.label = label
        self.parent = parent
        self.first = first
        """A stream's initialCount (where its items resume); None for a deferred fragment."""
        self.units = 0 if first is None else 1
        """Units still to deliver into this record; it completes at none."""
        self.state = State.WAITING
        self.id: str | None = None
        """Its id in the protocol, given when it is announced."""

    @property
    def stream(self) -> bool:
        return self.first is not None


class DeferredUnit:
    """The fields of one set of deferred fragments, for every object of one level.

    `records[i]` are the records object i delivers into: one per fragment of the set, each at
    the object or at the ancestor where its @defer was written.
    """

    __slots__ = ("fields", "object_type", "paths", "records", "sources", "usages", "where")

    def __init__(
        self,
        usages: DeferUsageSet,
        object_type: GraphQLObjectType,
        fields: GroupedFieldSet,
        sources: list[Any],
        where: Where,
        paths: list[PathKeys],
        records: list[list[Record]],
    ) -> None:
        self.usages = usages
        self.object_type = object_type
        self.fields = fields
        self.sources = sources
        self.where = where
        self.paths = paths
        self.records = records

    def subset(self, keep: list[int]) -> DeferredUnit:
        """The same work for the objects at `keep` only."""
        return DeferredUnit(
            self.usages,
            self.object_type,
            self.fields,
            [self.sources[i] for i in keep],
            Subset(self.where, keep),
            [self.paths[i] for i in keep],
            [self.records[i] for i in keep],
        )


class StreamUnit:
    """The items after the first `first` of every streamed list of one field at one level:
    list i (at `paths[i]`, position i of `lists`) left `chunks[i]`."""

    __slots__ = ("chunks", "first", "item_type", "lists", "paths", "records", "site")

    def __init__(
        self,
        site: Site,
        item_type: GraphQLOutputType,
        lists: Where,
        chunks: list[list[Any]],
        first: int,
        paths: list[PathKeys],
        records: list[list[Record]],
    ) -> None:
        self.site = site
        self.item_type = item_type
        self.lists = lists
        self.chunks = chunks
        self.first = first
        self.paths = paths
        self.records = records

    def regroup(self, completed: list[Any]) -> list[Any]:
        """The completed items of each list, or NULLED for a list a null reached (an item of
        a non-null type that failed): that stream fails."""
        values: list[Any] = []
        start = 0
        for chunk in self.chunks:
            items = completed[start : start + len(chunk)]
            start += len(chunk)
            values.append(NULLED if NULLED in items else items)
        return values


class InitialUnit:
    """The initial payload, as a unit of one object: the root, at the empty path."""

    __slots__ = ()
    paths: list[PathKeys] = [()]
    records: list[list[Record]] = [[]]


Unit = DeferredUnit | StreamUnit | InitialUnit


class Found:
    """What completing one payload found for later: the records it created, the deferred units
    that will fill them, and the streams it started."""

    __slots__ = ("deferred", "records", "streams")

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.deferred: list[DeferredUnit] = []
        self.streams: list[StreamUnit] = []

    def __bool__(self) -> bool:
        return bool(self.records or self.deferred or self.streams)


class Work:
    """A payload and the streams it started: the deferred units found in them start together
    once all of them are delivered, so that their loads share batches."""

    __slots__ = ("deferred", "outstanding")

    def __init__(self) -> None:
        self.outstanding = 1
        self.deferred: list[DeferredUnit] = []


class Done:
    """A unit's outcome: one value per object (or list), NULLED where it failed, or None when
    it was cancelled; the errors raised completing it; what it found; the work it belongs to."""

    __slots__ = ("_by_position", "_positions", "errors", "found", "unit", "values", "work")

    def __init__(
        self,
        unit: Unit,
        work: Work,
        values: list[Any] | None,
        errors: list[GraphQLError],
        found: Found,
    ) -> None:
        self.unit = unit
        self.work = work
        self.values = values
        self.errors = errors
        self.found = found
        self._by_position: dict[int, list[GraphQLError]] | None = None
        self._positions: dict[PathKeys, int] | None = None

    def _index(self, path: PathKeys) -> int | None:
        """The unit's object (or list) at or above `path`."""
        if self._positions is None:
            self._positions = {at: i for i, at in enumerate(self.unit.paths)}
        return self._positions.get(path[: len(self.unit.paths[0])])

    def errors_at(self, index: int) -> list[GraphQLError]:
        """The errors raised at or below the unit's object (or list) `index`."""
        if not self.errors:
            return []
        if self._by_position is None:
            self._by_position = {}
            for error in self.errors:
                at = self._index(tuple(error.path or ()))
                self._by_position.setdefault(at or 0, []).append(error)
        return self._by_position.get(index, [])

    def holds(self, path: PathKeys) -> bool:
        """Whether `path`, at or below one of the unit's objects, is an object present in
        what it completed (not null, and not under a null)."""
        if self.values is None:
            return False
        index = self._index(path)
        if index is None:
            return False
        value = self.values[index]
        rest = path[len(self.unit.paths[0]) :]
        if isinstance(self.unit, StreamUnit) and rest:
            # The first key below a list is an item's index in the whole list.
            position = rest[0]
            if not isinstance(position, int) or value is NULLED:
                return False
            rest = (position - self.unit.first, *rest[1:])
        return _present(value, rest)


def _present(value: Any, keys: PathKeys) -> bool:
    for key in keys:
        if value is None or value is NULLED:
            return False
        if isinstance(key, int):
            if not isinstance(value, list) or not 0 <= key < len(value):
                return False
            value = value[key]
        elif isinstance(value, Row):
            if key not in value.names:
                return False
            value = value[value.names.index(key)]
        elif isinstance(value, dict):
            value = value.get(key)
        else:
            return False
    return value is not None and value is not NULLED
