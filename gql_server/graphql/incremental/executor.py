"""The column executor for operations with @defer or @stream: each payload completed level by
level as `ColumnExecutor` completes a query, with its deferred fragments and streamed items
left out of it as units (records.py) of a whole level each.

At each level graphql-core collects the fields, each tagged with the deferred fragments it was
selected in, and plans them (`build_execution_plan`): the fields of the payload being completed,
and a grouped field set for each other set of fragments. Each of those becomes a `DeferredUnit`
of every object of the level, and each @defer written at the level a `Record` per object. A
list field with @stream is cut to its initialCount items; the rest of every list of that field
at that level becomes one `StreamUnit`, handed at once to the schedule (`start_stream`), which
starts it in the same loop turn so that its loads join the first items' batches.

A unit is completed by an executor of its own (`for_unit`): the same request and caches, its
own errors and its own findings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from typing import Any

from graphql import GraphQLError, GraphQLList, GraphQLObjectType, GraphQLStreamDirective
from graphql.execution.collect_fields import (
    DeferUsage,
    FieldDetails,
    FieldDetailsList,
    GroupedFieldSet,
)
from graphql.execution.executor import CollectedErrors
from graphql.execution.incremental.build_execution_plan import (
    DeferUsageSet,
    ExecutionPlan,
    build_execution_plan,
)
from graphql.execution.values import get_directive_values

from ..columns import ColumnExecutor
from ..completion import Site, then_apply
from ..positions import ItemOf, ItemsFrom, Root, Subset, Where
from .records import DeferredUnit, Found, PathKeys, Record, StreamUnit, Work

StartStream = Callable[[StreamUnit, "IncrementalExecutor"], None]
Stream = tuple[str | None, int, FieldDetailsList]
"""A field's @stream: its label, its initialCount, and the field without its fragments' tags."""


def _not_started(unit: StreamUnit, executor: IncrementalExecutor) -> None:
    raise RuntimeError("An executor's streams need a schedule to start them.")


class Shared:
    """What every executor of one request shares: plans, streams and records by position."""

    __slots__ = ("plans", "records", "start_stream", "streams")

    def __init__(self) -> None:
        self.plans: dict[tuple[int, int], tuple[GroupedFieldSet, Any, ExecutionPlan]] = {}
        self.streams: dict[int, tuple[FieldDetailsList, Stream | GraphQLError | None]] = {}
        # The records of each @defer (by its usage's identity), by the path of their object.
        self.records: dict[int, tuple[DeferUsage, dict[PathKeys, Record]]] = {}
        self.start_stream: StartStream = _not_started


class IncrementalExecutor(ColumnExecutor):
    """`ColumnExecutor` that leaves deferred fragments and streamed items out of its payload
    and records them as units in `found`."""

    found: Found
    usages: DeferUsageSet | None
    """The deferred fragments of the unit being completed (None for the initial payload and
    for streamed items)."""
    work: Work
    shared: Shared

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.found = Found()
        self.usages = None
        self.work = Work()
        self.shared = Shared()

    def for_unit(self, usages: DeferUsageSet | None, work: Work) -> IncrementalExecutor:
        """An executor of the same request for one unit: its own errors and findings."""
        executor = copy(self)
        executor.collected_errors = CollectedErrors()
        executor.found = Found()
        executor.usages = usages
        executor.work = work
        return executor

    def run(self, unit: DeferredUnit | StreamUnit) -> Any:
        """The unit's values (one per object, or per list), or an awaitable of them."""
        if isinstance(unit, DeferredUnit):
            return self._objects(unit.object_type, unit.fields, unit.sources, unit.where)
        items = [item for chunk in unit.chunks for item in chunk]
        where = ItemsFrom(unit.lists, [len(chunk) for chunk in unit.chunks], unit.first)
        return then_apply(self._complete(unit.site, unit.item_type, items, where), unit.regroup)

    # -- deferred fragments ---------------------------------------------------------------

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        new_defer_usages: Sequence[DeferUsage],
    ) -> Any:
        if serially or not self.error_propagation or self.middleware_manager is not None:
            # graphql-core's own execution (columns.py), which answers whole: the directives
            # only ask, and a server may deliver everything at once.
            return super().execute_collected_root_fields(
                root_type, root_value, grouped_field_set, serially, new_defer_usages
            )
        if new_defer_usages:
            self._add_records(new_defer_usages, [()])
        fields = self._planned(root_type, grouped_field_set, [root_value], Root(), [()])
        return self.execute_root_grouped_field_set(root_type, root_value, fields, serially, None)

    def _next_level(
        self, object_type: GraphQLObjectType, site: Site, sources: list[Any], where: Where
    ) -> Any:
        collected = self.collect_subfields(object_type, site.fields)
        paths = None
        if collected.new_defer_usages:
            paths = _paths(where, len(sources))
            self._add_records(collected.new_defer_usages, paths)
        fields = self._planned(object_type, collected.grouped_field_set, sources, where, paths)
        return self._objects(object_type, fields, sources, where)

    def _planned(
        self,
        object_type: GraphQLObjectType,
        fields: GroupedFieldSet,
        sources: list[Any],
        where: Where,
        paths: list[PathKeys] | None,
    ) -> GroupedFieldSet:
        """The fields this payload completes now; the others become units of the level."""
        key = (id(fields), id(self.usages))
        entry = self.shared.plans.get(key)
        if entry is None:
            plan = build_execution_plan(fields, self.usages)
            # The entry keeps both keys alive, so their ids cannot be reused meanwhile.
            entry = self.shared.plans[key] = (fields, self.usages, plan)
        now, later = entry[2]
        if later:
            paths = paths if paths is not None else _paths(where, len(sources))
            for usages, deferred in later.items():
                records = [self._records_of(usages, path) for path in paths]
                unit = DeferredUnit(usages, object_type, deferred, sources, where, paths, records)
                self.found.deferred.append(unit)
        return now

    def _add_records(self, usages: Sequence[DeferUsage], paths: list[PathKeys]) -> None:
        """A record of each @defer written at this level, for each object of it."""
        known = self.shared.records
        for usage in usages:
            at = known.setdefault(id(usage), (usage, {}))[1]
            parent = usage.parent_defer_usage
            for path in paths:
                above = None if parent is None else self._record(parent, path)
                record = at[path] = Record(path, usage.label, above)
                self.found.records.append(record)

    def _record(self, usage: DeferUsage, path: PathKeys) -> Record | None:
        """The record of `usage` for the object at `path`: at it, or at the ancestor where the
        @defer was written."""
        entry = self.shared.records.get(id(usage))
        if entry is None:
            return None
        at = entry[1]
        for depth in range(len(path), -1, -1):
            record = at.get(path[:depth])
            if record is not None:
                return record
        return None

    def _records_of(self, usages: DeferUsageSet, path: PathKeys) -> list[Record]:
        return [record for usage in usages if (record := self._record(usage, path)) is not None]

    # -- streamed lists -------------------------------------------------------------------

    def _complete_lists(
        self, site: Site, return_type: GraphQLList[Any], values: list[Any], where: Where
    ) -> Any:
        if isinstance(where, ItemOf):  # the inner lists of a list of lists are not streamed
            return super()._complete_lists(site, return_type, values, where)
        stream = self._stream(site.fields)
        if stream is None:
            return super()._complete_lists(site, return_type, values, where)
        if isinstance(stream, GraphQLError):  # reported at each list, as graphql-core does
            return super()._complete_lists(site, return_type, [stream] * len(values), where)
        label, first, fields = stream
        cut = values
        kept: list[int] = []
        chunks: list[list[Any]] = []
        for i, value in enumerate(values):
            if isinstance(value, list | tuple) and len(value) > first:
                if cut is values:
                    cut = list(values)
                cut[i] = value[:first]
                kept.append(i)
                chunks.append(list(value[first:]))
        if kept:
            paths = [_path(where, i) for i in kept]
            records = [[Record(path, label, None, first)] for path in paths]
            self.found.records.extend(listed[0] for listed in records)
            items = Site(site.parent_type, site.field_def, fields, site.name)
            lists = Subset(where, kept)
            unit = StreamUnit(items, return_type.of_type, lists, chunks, first, paths, records)
            self.found.streams.append(unit)
            self.shared.start_stream(unit, self)
        return super()._complete_lists(site, return_type, cut, where)

    def _stream(self, fields: FieldDetailsList) -> Stream | GraphQLError | None:
        """The field's @stream, read once per request (its arguments may be variables)."""
        known = self.shared.streams
        entry = known.get(id(fields))
        if entry is None or entry[0] is not fields:
            entry = known[id(fields)] = (fields, self._read_stream(fields))
        return entry[1]

    def _read_stream(self, fields: FieldDetailsList) -> Stream | GraphQLError | None:
        first = fields[0]
        arguments = get_directive_values(
            GraphQLStreamDirective, first.node, self.variable_values, first.fragment_variable_values
        )
        if not arguments or arguments.get("if") is False:
            return None
        count = arguments.get("initialCount")
        if not isinstance(count, int) or count < 0:
            return GraphQLError("@stream's initialCount must be 0 or more.")
        # Streamed items belong to no deferred fragment: what they defer is their own.
        untagged = [FieldDetails(f.node, None, f.fragment_variable_values) for f in fields]
        return arguments.get("label"), count, untagged


def _path(where: Where, index: int) -> PathKeys:
    path = where.at(index)
    return () if path is None else tuple(path.as_list())


def _paths(where: Where, count: int) -> list[PathKeys]:
    return [_path(where, i) for i in range(count)]
