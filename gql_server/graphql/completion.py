"""Completing a column of values by their GraphQL type, for the column executor.

A column is one field's values for every object of a level. Completing it follows
graphql-core's `complete_value` (leaves serialized, lists flattened into one column of items,
objects passed on as the next level, abstract types grouped by their runtime type), for the
whole column at once. A null in a non-null position becomes `NULLED`, which the nearest
nullable position turns into null, as graphql-core propagates nulls.

Every step returns a list, or an awaitable of one only when something below it awaits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLString,
    GraphQLUnionType,
    Undefined,
    located_error,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.executor import invalid_return_type_error, to_nodes
from graphql.language import FieldNode
from graphql.pyutils import Path, is_iterable

from .execution import GatewayExecutor
from .positions import ItemOf, Subset, Where, path_at

_FAST_STRINGS = (GraphQLID, GraphQLString)
# Tuples, not `A | B`: a union written in a call is built anew at every call.
_LEAF_TYPES = (GraphQLScalarType, GraphQLEnumType)
_ABSTRACT_TYPES = (GraphQLInterfaceType, GraphQLUnionType)


class _Nulled:
    """The value of a position that is null because an error was already reported for it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULLED"


NULLED: Any = _Nulled()


class Site:
    """One field being completed: what infos and error messages need to know of it."""

    __slots__ = ("_nodes", "field_def", "fields", "name", "parent_type")

    def __init__(
        self,
        parent_type: GraphQLObjectType,
        field_def: GraphQLField,
        fields: FieldDetailsList,
        name: str,
    ) -> None:
        self.parent_type = parent_type
        self.field_def = field_def
        self.fields = fields
        self.name = name
        self._nodes: list[FieldNode] | None = None

    @property
    def nodes(self) -> list[FieldNode]:
        if self._nodes is None:
            self._nodes = to_nodes(self.fields)
        return self._nodes


class CompletingExecutor(GatewayExecutor):
    """graphql-core's executor with value completion a column at a time.

    Subclasses say how a level of objects is completed (`_next_level`): the column executor
    resolves its fields there, one column at a time.
    """

    def _next_level(
        self, object_type: GraphQLObjectType, site: Site, sources: list[Any], where: Where
    ) -> Any:
        """The completed objects of `sources`, all of `object_type`, selected by `site`'s
        fields (NULLED for an object a null made null); or an awaitable of them."""
        raise NotImplementedError

    def _info(self, site: Site, path: Path) -> GraphQLResolveInfo[Any]:
        return GraphQLResolveInfo(
            site.name,
            site.nodes,
            site.field_def.type,
            site.parent_type,
            path,
            self.schema,
            self.fragment_definitions,
            self.root_value,
            self.operation,
            self.variable_values,
            self.context_value,
            self.is_awaitable,
            self.abort_signal,
            self.async_helpers,
        )

    def _fail(self, raw: BaseException, site: Site, path: Path) -> Any:
        """Report a field error at `path`; the position's value is then NULLED."""
        error = raw if isinstance(raw, Exception) else RuntimeError(str(raw))
        self.collected_errors.add(located_error(error, site.nodes, path.as_list()), path)
        return NULLED

    # -- completion ------------------------------------------------------------------------

    def _complete(
        self, site: Site, return_type: GraphQLOutputType, values: list[Any], where: Where
    ) -> Any:
        """Completed values of one type (NULLED marks a null that a non-null type propagates),
        or an awaitable of them."""
        if isinstance(return_type, GraphQLNonNull):
            completed = self._complete_nullable(site, return_type.of_type, values, where)
            return then_apply(completed, lambda done: self._non_null(site, done, where))
        return then_apply(self._complete_nullable(site, return_type, values, where), _nullable)

    def _complete_nullable(
        self, site: Site, return_type: GraphQLOutputType, values: list[Any], where: Where
    ) -> Any:
        if isinstance(return_type, _LEAF_TYPES):
            return self._leaves(site, return_type, values, where)
        if isinstance(return_type, GraphQLList):
            return self._complete_lists(site, return_type, values, where)
        if isinstance(return_type, GraphQLObjectType):
            return self._complete_objects(site, return_type, values, where)
        if isinstance(return_type, _ABSTRACT_TYPES):
            return self._complete_abstract(site, return_type, values, where)
        raise TypeError(f"Cannot complete value of unexpected output type: {return_type}.")

    def _non_null(self, site: Site, completed: list[Any], where: Where) -> list[Any]:
        """Completed values of a non-null type: a null is an error, and NULLED from then on."""
        if None in completed:
            message = f"Cannot return null for non-nullable field {site.parent_type}.{site.name}."
            for i, value in enumerate(completed):
                if value is None:
                    completed[i] = self._fail(TypeError(message), site, path_at(where, i))
        return completed

    def _leaves(self, site: Site, leaf_type: Any, values: list[Any], where: Where) -> list[Any]:
        strings = leaf_type in _FAST_STRINGS
        completed: list[Any] = []
        append = completed.append
        for i, value in enumerate(values):
            if strings and type(value) is str:
                append(value)
            elif value is None or value is Undefined:
                append(None)
            elif isinstance(value, Exception):
                append(self._fail(value, site, path_at(where, i)))
            else:
                try:
                    append(self.complete_leaf_value(leaf_type, value))
                except Exception as error:  # a field error at this position
                    append(self._fail(error, site, path_at(where, i)))
        return completed

    def _complete_lists(
        self, site: Site, return_type: GraphQLList[Any], values: list[Any], where: Where
    ) -> Any:
        items: list[Any] = []
        lengths: list[int] = []  # -1: null, -2: an error was reported
        for i, value in enumerate(values):
            if value is None or value is Undefined:
                lengths.append(-1)
                continue
            if isinstance(value, Exception):
                self._fail(value, site, path_at(where, i))
                lengths.append(-2)
                continue
            if not is_iterable(value):
                message = (
                    "Expected Iterable, but did not find one for field"
                    f" '{site.parent_type}.{site.name}'."
                )
                self._fail(GraphQLError(message), site, path_at(where, i))
                lengths.append(-2)
                continue
            try:
                listed = list(value)
            except Exception as error:  # a field error at this position
                self._fail(error, site, path_at(where, i))
                lengths.append(-2)
                continue
            items += listed
            lengths.append(len(listed))
        item_where = ItemOf(where, lengths)
        item_type = return_type.of_type
        strict = isinstance(item_type, GraphQLNonNull)

        def regroup(completed: list[Any]) -> list[Any]:
            lists: list[Any] = []
            start = 0
            for length in lengths:
                if length < 0:
                    lists.append(None if length == -1 else NULLED)
                    continue
                chunk = completed[start : start + length]
                start += length
                lists.append(NULLED if strict and NULLED in chunk else chunk)
            return lists

        is_awaitable = self.is_awaitable
        awaiting = [k for k, item in enumerate(items) if is_awaitable(item)]
        if not awaiting:
            return then_apply(self._complete(site, item_type, items, item_where), regroup)

        async def awaited() -> list[Any]:
            await settle(items, awaiting)
            completed = self._complete(site, item_type, items, item_where)
            return regroup(await completed if type(completed) is not list else completed)

        return awaited()

    def _complete_objects(
        self, site: Site, object_type: GraphQLObjectType, values: list[Any], where: Where
    ) -> Any:
        if object_type.is_type_of:
            return self._complete_checked_objects(site, object_type, values, where)
        for value in values:
            if value is None or value is Undefined or isinstance(value, Exception):
                break
        else:
            # Every value is an object, the common case: no index list, no result list to fill.
            if not values:
                return []
            return self._next_level(object_type, site, values, where)
        completed: list[Any] = [None] * len(values)
        present: list[int] = []
        # `_each_present` without its paths: the common case makes none unless one fails.
        for i, value in enumerate(values):
            if value is None or value is Undefined:
                continue
            if isinstance(value, Exception):
                completed[i] = self._fail(value, site, path_at(where, i))
                continue
            present.append(i)
        return self._complete_present(site, object_type, values, where, completed, present)

    def _complete_present(
        self,
        site: Site,
        object_type: GraphQLObjectType,
        values: list[Any],
        where: Where,
        completed: list[Any],
        present: list[int],
    ) -> Any:
        """`completed`, with the objects at `present` indexes filled in."""
        if not present:
            return completed
        if len(present) == len(values):
            rows = self._next_level(object_type, site, values, where)
        else:
            sources = [values[i] for i in present]
            rows = self._next_level(object_type, site, sources, Subset(where, present))

        def scatter(rows: list[Any]) -> list[Any]:
            if len(present) == len(completed):
                return rows
            for i, row in zip(present, rows, strict=True):
                completed[i] = row
            return completed

        return then_apply(rows, scatter)

    def _each_present(
        self, site: Site, values: list[Any], where: Where, completed: list[Any]
    ) -> Iterator[tuple[int, Any, Path]]:
        """The objects of `values` to complete, with their index and path: a null is left
        None in `completed`, an error is reported there."""
        for i, value in enumerate(values):
            if value is None or value is Undefined:
                continue
            path = path_at(where, i)
            if isinstance(value, Exception):
                completed[i] = self._fail(value, site, path)
                continue
            yield i, value, path

    async def _complete_checked_objects(
        self, site: Site, object_type: GraphQLObjectType, values: list[Any], where: Where
    ) -> list[Any]:
        """`_complete_objects` for a type with an `is_type_of` check (which may await)."""
        assert object_type.is_type_of is not None
        completed: list[Any] = [None] * len(values)
        present: list[int] = []
        for i, value, path in self._each_present(site, values, where, completed):
            matches = object_type.is_type_of(value, self._info(site, path))
            if self.is_awaitable(matches):
                matches = await matches
            if not matches:
                error = invalid_return_type_error(object_type, value, site.fields)
                completed[i] = self._fail(error, site, path)
                continue
            present.append(i)
        done = self._complete_present(site, object_type, values, where, completed, present)
        return await done if type(done) is not list else done

    async def _complete_abstract(
        self, site: Site, abstract: GraphQLAbstractType, values: list[Any], where: Where
    ) -> list[Any]:
        completed: list[Any] = [None] * len(values)
        groups: dict[str, tuple[GraphQLObjectType, list[int]]] = {}
        resolve_type = abstract.resolve_type or self.type_resolver
        for i, value, path in self._each_present(site, values, where, completed):
            info = self._info(site, path)
            try:
                name = resolve_type(value, info, abstract)
                if self.is_awaitable(name):
                    name = await name
                runtime = self.ensure_valid_runtime_type(name, abstract, site.fields, info, value)
            except Exception as error:  # a field error at this position
                completed[i] = self._fail(error, site, path)
                continue
            groups.setdefault(runtime.name, (runtime, []))[1].append(i)
        for runtime, indexes in groups.values():
            group = Subset(where, indexes)
            done = self._complete_objects(site, runtime, [values[i] for i in indexes], group)
            if type(done) is not list:
                done = await done
            for i, value in zip(indexes, done, strict=True):
                completed[i] = value
        return completed


def then_apply(value: Any, then: Any) -> Any:
    """`then(value)`, after awaiting `value` if it is an awaitable (and only then)."""
    if type(value) is list:
        return then(value)

    async def awaited() -> Any:
        return then(await value)

    return awaited()


def _nullable(completed: list[Any]) -> list[Any]:
    """Completed values of a nullable type: a propagated null stops here."""
    if NULLED in completed:
        return [None if value is NULLED else value for value in completed]
    return completed


async def settle(values: list[Any], indexes: list[int]) -> None:
    """Await `values[i]` for every i of `indexes` together; each becomes its result, or the
    exception it raised (a field error)."""
    if len(indexes) == 1:
        (i,) = indexes
        try:
            values[i] = await values[i]
        except Exception as error:
            values[i] = error
        return
    settled = await asyncio.gather(*(values[i] for i in indexes), return_exceptions=True)
    for i, value in zip(indexes, settled, strict=True):
        if isinstance(value, BaseException) and not isinstance(value, Exception):
            raise value
        values[i] = value
