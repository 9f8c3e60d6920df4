"""Queries executed a column at a time: one field of every object of a level at once.

graphql-core completes a response object by object. For each object of a list it builds a
result dict, a path and an info per field, and as soon as one field is asynchronous a
coroutine and a gather for that object. On a nested read of a thousand resources that
machinery, more than the resolvers or the upstream calls, is where the time and the memory go.

`ColumnExecutor` keeps graphql-core for everything the specification defines (operation
selection, variable and argument coercion, field collection with fragments and directives,
leaf serialization, error locations) and changes the order of the work: a field is resolved
for every object of a level in one loop, the awaitables of that loop are gathered once, and
the objects they return are completed together as the next level. A field with a batch form
(`batched.py`: the links between records) is resolved by one call for the whole level; a
field read from the record by attribute costs no call at all; only other asynchronous
resolvers still run one coroutine per object. Coroutines exist only where something awaits,
and response paths are built only for an error or a per-object resolver's info. Objects are
built as rows (rows.py), a fraction of a dict's size, and become JSON objects when encoded.

Error semantics are graphql-core's: a failing field is null with an error at its path, and a
null in a non-null position nulls the nearest nullable ancestor. One difference: a level is
completed whole before nulls propagate, so every error inside a subtree that ends up null is
reported, where graphql-core stops at the first one it meets (tests/graphql/test_columns.py
states this exactly).

Mutations (executed serially), @defer and @stream, operations that disable error propagation
and middleware keep graphql-core's own execution.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Iterator
from functools import cached_property
from itertools import accumulate
from typing import Any, cast
from weakref import ref

from graphql import (
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLFieldResolver,
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
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import invalid_return_type_error, to_nodes
from graphql.execution.values import get_argument_values
from graphql.language import FieldNode
from graphql.pyutils import Path, gather_with_cancel, is_iterable

from .execution import GatewayExecutor
from .rows import Row, row_type

_FAST_STRINGS = (GraphQLID, GraphQLString)


class _ByNode:
    """Data kept with an AST node, by identity, for as long as the node lives.

    Not a WeakKeyDictionary: AST nodes hash and compare by structure, so equal nodes of two
    documents would share an entry (and a fragment spread means different things in each),
    and hashing a node walks its whole subtree.
    """

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[int, tuple[ref[FieldNode], dict[Any, Any]]] = {}

    def of(self, node: FieldNode) -> dict[Any, Any]:
        """The node's own dict, made on first use."""
        key = id(node)
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is node:
            return entry[1]
        entries = self._entries
        # The entry goes with the node: the callback runs when it dies, before its id can
        # be given to another object.
        watch = ref(node, lambda _, key=key: entries.pop(key, None))  # type: ignore[misc]
        data: dict[Any, Any] = {}
        entries[key] = (watch, data)
        return data


# What a document's nodes always produce, dropped with the document (see `_static`).
_ARGUMENTS = _ByNode()
_SUBFIELDS = _ByNode()
# Leaf types whose serialization returns a value of this Python type unchanged.
_PLAIN_LEAVES: dict[Any, type] = {GraphQLID: str, GraphQLString: str, GraphQLBoolean: bool}
# Tuples, not `A | B`: a union written in a call is built anew at every call.
_LEAF_TYPES = (GraphQLScalarType, GraphQLEnumType)
_ABSTRACT_TYPES = (GraphQLInterfaceType, GraphQLUnionType)


class _Nulled:
    """The value of a position that is null because an error was already reported for it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULLED"


NULLED: Any = _Nulled()


class _Site:
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


def _named(output_type: Any) -> Any:
    return output_type.of_type if isinstance(output_type, GraphQLNonNull) else output_type


def _attribute(field_def: GraphQLField, resolve: Any) -> str | None:
    """The record attribute a field without arguments reads, if that is all it does."""
    attribute = getattr(resolve, "attribute", None)
    if attribute is None or field_def.args:
        return None
    return cast("str", attribute)


class _Where:
    """The response paths of a column's values, made only when one is needed: by an error,
    or by a resolver called per object (its info carries the path)."""

    __slots__ = ()

    def at(self, index: int) -> Path | None:
        raise NotImplementedError

    def all(self, count: int) -> _Where:
        """The same positions, with the first `count` paths made now, once."""
        return _Paths([self.at(i) for i in range(count)])


class _Root(_Where):
    __slots__ = ()

    def at(self, index: int) -> Path | None:
        return None

    def all(self, count: int) -> _Where:
        return self


class _Paths(_Where):
    """Paths already made, one a value."""

    __slots__ = ("paths",)

    def __init__(self, paths: list[Path | None]) -> None:
        self.paths = paths

    def at(self, index: int) -> Path | None:
        return self.paths[index]

    def all(self, count: int) -> _Where:
        return self


class _FieldOf(_Where):
    """A field's position in each object of a column."""

    __slots__ = ("key", "parents", "typename")

    def __init__(self, parents: _Where, key: str, typename: str) -> None:
        self.parents = parents
        self.key = key
        self.typename = typename

    def at(self, index: int) -> Path:
        return Path(self.parents.at(index), self.key, self.typename)


class _ItemOf(_Where):
    """Items of a column of lists, flattened in order: list i gave `lengths[i]` items (none
    when negative: a null or a failed list).

    Where each list starts is worked out only when a path is asked for (an error): kept for
    every level, those offsets would be one int object per item past 256.
    """

    __slots__ = ("_starts", "lengths", "lists")

    def __init__(self, lists: _Where, lengths: list[int]) -> None:
        self.lists = lists
        self.lengths = lengths
        self._starts: list[int] | None = None

    def at(self, index: int) -> Path:
        starts = self._starts
        if starts is None:
            ends = accumulate(max(length, 0) for length in self.lengths)
            starts = self._starts = [0, *ends][:-1]
        owner = bisect_right(starts, index) - 1
        return Path(self.lists.at(owner), index - starts[owner], None)


class _Subset(_Where):
    """Some positions of another column: position k is `base`'s position `indexes[k]`."""

    __slots__ = ("base", "indexes")

    def __init__(self, base: _Where, indexes: list[int]) -> None:
        self.base = base
        self.indexes = indexes

    def at(self, index: int) -> Path | None:
        return self.base.at(self.indexes[index])


def _at(where: _Where, index: int) -> Path:
    path = where.at(index)
    assert path is not None  # only the root has no path, and it is never a field's value
    return path


class ColumnExecutor(GatewayExecutor):
    """graphql-core's executor, running query operations a column at a time.

    Every step returns its values, or an awaitable of them only when something below it
    actually awaits: a level of plain reads costs no coroutine and no task.
    """

    def execute_root_grouped_field_set(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        position_context: Any,
    ) -> Any:
        if (
            serially
            or position_context is not None
            or not self.error_propagation
            or self.middleware_manager is not None
        ):
            return super().execute_root_grouped_field_set(
                root_type, root_value, grouped_field_set, serially, position_context
            )
        root = self._objects(root_type, grouped_field_set, [root_value], _Root())
        return _then(root, _data)

    # -- objects and fields ---------------------------------------------------------------

    def _objects(
        self,
        object_type: GraphQLObjectType,
        fields: GroupedFieldSet,
        sources: list[Any],
        where: _Where,
    ) -> Any:
        """The result dicts of `sources`, all of `object_type`, for `fields` (NULLED for an
        object that a null in one of its non-null fields made null); or an awaitable of them.
        `where` gives the objects' paths."""
        keys: list[str] = []
        columns: list[Any] = []
        non_null: list[int] = []
        waiting: list[int] = []
        get_field = self.schema.get_field
        is_awaitable = self.is_awaitable
        for key, details in fields.items():
            name = details[0].node.name.value
            field_def = get_field(object_type, name)
            if field_def is None:
                continue
            if isinstance(field_def.type, GraphQLNonNull):
                non_null.append(len(keys))
            column = self._column(object_type, field_def, name, key, details, sources, where)
            if type(column) is not list and is_awaitable(column):
                waiting.append(len(keys))
            keys.append(key)
            columns.append(column)
        if not waiting:
            return _rows(keys, columns, non_null, len(sources))

        async def awaited() -> list[Any]:
            if len(waiting) == 1:
                columns[waiting[0]] = await columns[waiting[0]]
            else:
                done = await gather_with_cancel(*(columns[n] for n in waiting))
                for n, column in zip(waiting, done, strict=True):
                    columns[n] = column
            return _rows(keys, columns, non_null, len(sources))

        return awaited()

    def _column(
        self,
        parent_type: GraphQLObjectType,
        field_def: GraphQLField,
        name: str,
        key: str,
        details: FieldDetailsList,
        sources: list[Any],
        parents: _Where,
    ) -> Any:
        """The completed values of one field of every object: a list, or an awaitable of it."""
        if name == "__typename":
            return [parent_type.name] * len(sources)
        resolve: GraphQLFieldResolver = field_def.resolve or self.field_resolver
        attribute = _attribute(field_def, resolve)
        if attribute is not None and not details[0].node.arguments:
            # Read from the record: no info, no call, no path unless an error needs one.
            try:
                values = [getattr(source, attribute) for source in sources]
            except Exception:  # each failure is reported at its own path
                values = [_read(source, attribute) for source in sources]
            plain = _PLAIN_LEAVES.get(_named(field_def.type))
            if plain is not None and all(type(value) is plain for value in values):
                return values  # already what serialization would make, and none is null
            site = _Site(parent_type, field_def, details, name)
            where = _FieldOf(parents, key, parent_type.name)
            return self._complete(site, field_def.type, values, where)
        site = _Site(parent_type, field_def, details, name)
        batch = getattr(resolve, "batch", None)
        if batch is not None:
            return self._batch_column(site, batch, key, sources, parents)
        return self._resolve_column(site, resolve, key, sources, parents)

    def _resolve_column(
        self,
        site: _Site,
        resolve: GraphQLFieldResolver,
        key: str,
        sources: list[Any],
        parents: _Where,
    ) -> Any:
        """A field resolved once per object, as graphql-core resolves every field."""
        field_def = site.field_def
        typename = site.parent_type.name
        parents = parents.all(len(sources))
        field_paths: list[Path | None] = [
            Path(parents.at(i), key, typename) for i in range(len(sources))
        ]
        where = _Paths(field_paths)
        try:
            arguments = self._field_arguments(site)
        except Exception as error:  # reported at every position, as graphql-core
            return self._complete(site, field_def.type, [error] * len(sources), where)
        values: list[Any] = []
        awaiting: list[int] = []
        is_awaitable = self.is_awaitable
        info = self._info
        for i, source in enumerate(sources):
            try:
                value = resolve(source, info(site, _at(where, i)), **arguments)
            except Exception as error:  # a field error, reported when completed
                value = error
            else:
                if is_awaitable(value):
                    awaiting.append(i)
            values.append(value)
        if not awaiting:
            return self._complete(site, field_def.type, values, where)

        async def awaited() -> list[Any]:
            await _settle(values, awaiting)
            completed = self._complete(site, field_def.type, values, where)
            return await completed if type(completed) is not list else completed

        return awaited()

    def _batch_column(
        self, site: _Site, batch: Any, key: str, sources: list[Any], parents: _Where
    ) -> Any:
        """A field resolved for every object at once by its batch resolver (see `batched`)."""
        field_def = site.field_def
        where = _FieldOf(parents, key, site.parent_type.name)
        count = len(sources)
        try:
            result = batch(sources, self.context_value, **self._field_arguments(site))
        except Exception as error:  # every position fails, as each call would
            return self._complete(site, field_def.type, [error] * count, where)

        def checked(values: Any) -> list[Any]:
            if type(values) is not list or len(values) != count:
                error = RuntimeError(f"The batch resolver of {site.name} gave a wrong answer.")
                return [error] * count
            return values

        if not self.is_awaitable(result):
            return self._complete(site, field_def.type, checked(result), where)

        async def awaited() -> list[Any]:
            try:
                values = checked(await result)
            except Exception as error:
                values = [error] * count
            completed = self._complete(site, field_def.type, values, where)
            return await completed if type(completed) is not list else completed

        return awaited()

    def _field_arguments(self, site: _Site) -> Any:
        first = site.fields[0]
        if site.field_def.args or first.node.arguments:
            return self._arguments(site.field_def, first.node, first.fragment_variable_values)
        return {}

    @cached_property
    def _static(self) -> bool:
        """Whether field collection and arguments depend on the document alone: no variables.

        Then what they produce is kept with the document's nodes across requests, since the
        document cache hands every request of the same text the same nodes. Resolvers must
        therefore leave their arguments as given: every request of the document shares them."""
        return not self.operation.variable_definitions

    def _arguments(self, field_def: GraphQLField, node: FieldNode, fragment_values: Any) -> Any:
        if fragment_values is not None or not self._static:
            return get_argument_values(
                field_def, node, self.variable_values, fragment_values, self.hide_suggestions
            )
        known = _ARGUMENTS.of(node)
        entry = known.get(id(field_def))
        if entry is None or entry[0] is not field_def:
            arguments = get_argument_values(
                field_def, node, self.variable_values, None, self.hide_suggestions
            )
            entry = known[id(field_def)] = (field_def, arguments)
        return entry[1]

    def _subfields(self, object_type: GraphQLObjectType, fields: FieldDetailsList) -> Any:
        """`collect_subfields`, kept with the document's nodes when it depends on them alone."""
        if not self._static or any(
            f.defer_usage is not None or f.fragment_variable_values is not None for f in fields
        ):
            return self.collect_subfields(object_type, fields).grouped_field_set
        first = fields[0].node
        known = _SUBFIELDS.of(first)
        # The other nodes belong to the same document as the first, and live as long as it.
        key = (id(object_type), *(id(f.node) for f in fields[1:]))
        entry = known.get(key)
        if entry is None or entry[0] is not object_type:
            grouped = self.collect_subfields(object_type, fields).grouped_field_set
            entry = known[key] = (object_type, grouped)
        return entry[1]

    def _info(self, site: _Site, path: Path) -> GraphQLResolveInfo[Any]:
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

    def _fail(self, raw: BaseException, site: _Site, path: Path) -> Any:
        """Report a field error at `path`; the position's value is then NULLED."""
        error = raw if isinstance(raw, Exception) else RuntimeError(str(raw))
        self.collected_errors.add(located_error(error, site.nodes, path.as_list()), path)
        return NULLED

    # -- completion ------------------------------------------------------------------------

    def _complete(
        self, site: _Site, return_type: GraphQLOutputType, values: list[Any], where: _Where
    ) -> Any:
        """Completed values of one type (NULLED marks a null that a non-null type propagates),
        or an awaitable of them."""
        if isinstance(return_type, GraphQLNonNull):
            completed = self._complete_nullable(site, return_type.of_type, values, where)
            return _then(completed, lambda done: self._non_null(site, done, where))
        return _then(self._complete_nullable(site, return_type, values, where), _nullable)

    def _complete_nullable(
        self, site: _Site, return_type: GraphQLOutputType, values: list[Any], where: _Where
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

    def _non_null(self, site: _Site, completed: list[Any], where: _Where) -> list[Any]:
        """Completed values of a non-null type: a null is an error, and NULLED from then on."""
        if None in completed:
            message = f"Cannot return null for non-nullable field {site.parent_type}.{site.name}."
            for i, value in enumerate(completed):
                if value is None:
                    completed[i] = self._fail(TypeError(message), site, _at(where, i))
        return completed

    def _leaves(self, site: _Site, leaf_type: Any, values: list[Any], where: _Where) -> list[Any]:
        strings = leaf_type in _FAST_STRINGS
        completed: list[Any] = []
        append = completed.append
        for i, value in enumerate(values):
            if strings and type(value) is str:
                append(value)
            elif value is None or value is Undefined:
                append(None)
            elif isinstance(value, Exception):
                append(self._fail(value, site, _at(where, i)))
            else:
                try:
                    append(self.complete_leaf_value(leaf_type, value))
                except Exception as error:  # a field error at this position
                    append(self._fail(error, site, _at(where, i)))
        return completed

    def _complete_lists(
        self, site: _Site, return_type: GraphQLList[Any], values: list[Any], where: _Where
    ) -> Any:
        items: list[Any] = []
        lengths: list[int] = []  # -1: null, -2: an error was reported
        for i, value in enumerate(values):
            if value is None or value is Undefined:
                lengths.append(-1)
                continue
            if isinstance(value, Exception):
                self._fail(value, site, _at(where, i))
                lengths.append(-2)
                continue
            if not is_iterable(value):
                message = (
                    "Expected Iterable, but did not find one for field"
                    f" '{site.parent_type}.{site.name}'."
                )
                self._fail(GraphQLError(message), site, _at(where, i))
                lengths.append(-2)
                continue
            try:
                listed = list(value)
            except Exception as error:  # a field error at this position
                self._fail(error, site, _at(where, i))
                lengths.append(-2)
                continue
            items += listed
            lengths.append(len(listed))
        item_where = _ItemOf(where, lengths)
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
            return _then(self._complete(site, item_type, items, item_where), regroup)

        async def awaited() -> list[Any]:
            await _settle(items, awaiting)
            completed = self._complete(site, item_type, items, item_where)
            return regroup(await completed if type(completed) is not list else completed)

        return awaited()

    def _complete_objects(
        self, site: _Site, object_type: GraphQLObjectType, values: list[Any], where: _Where
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
            fields = self._subfields(object_type, site.fields)
            return self._objects(object_type, fields, values, where)
        completed: list[Any] = [None] * len(values)
        present: list[int] = []
        # `_each_present` without its paths: the common case makes none unless one fails.
        for i, value in enumerate(values):
            if value is None or value is Undefined:
                continue
            if isinstance(value, Exception):
                completed[i] = self._fail(value, site, _at(where, i))
                continue
            present.append(i)
        return self._complete_present(site, object_type, values, where, completed, present)

    def _complete_present(
        self,
        site: _Site,
        object_type: GraphQLObjectType,
        values: list[Any],
        where: _Where,
        completed: list[Any],
        present: list[int],
    ) -> Any:
        """`completed`, with the objects at `present` indexes filled in."""
        if not present:
            return completed
        fields = self._subfields(object_type, site.fields)
        if len(present) == len(values):
            rows = self._objects(object_type, fields, values, where)
        else:
            sources = [values[i] for i in present]
            rows = self._objects(object_type, fields, sources, _Subset(where, present))

        def scatter(rows: list[Any]) -> list[Any]:
            if len(present) == len(completed):
                return rows
            for i, row in zip(present, rows, strict=True):
                completed[i] = row
            return completed

        return _then(rows, scatter)

    def _each_present(
        self, site: _Site, values: list[Any], where: _Where, completed: list[Any]
    ) -> Iterator[tuple[int, Any, Path]]:
        """The objects of `values` to complete, with their index and path: a null is left
        None in `completed`, an error is reported there."""
        for i, value in enumerate(values):
            if value is None or value is Undefined:
                continue
            path = _at(where, i)
            if isinstance(value, Exception):
                completed[i] = self._fail(value, site, path)
                continue
            yield i, value, path

    async def _complete_checked_objects(
        self, site: _Site, object_type: GraphQLObjectType, values: list[Any], where: _Where
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
        self, site: _Site, abstract: GraphQLAbstractType, values: list[Any], where: _Where
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
            group = _Subset(where, indexes)
            done = self._complete_objects(site, runtime, [values[i] for i in indexes], group)
            if type(done) is not list:
                done = await done
            for i, value in zip(indexes, done, strict=True):
                completed[i] = value
        return completed


def _then(value: Any, then: Any) -> Any:
    """`then(value)`, after awaiting `value` if it is an awaitable (and only then)."""
    if type(value) is list:
        return then(value)

    async def awaited() -> Any:
        return then(await value)

    return awaited()


def _data(rows: list[Any]) -> dict[str, Any] | None:
    (data,) = rows
    if data is NULLED:
        return None
    return data.as_dict() if isinstance(data, Row) else cast("dict[str, Any]", data)


def _nullable(completed: list[Any]) -> list[Any]:
    """Completed values of a nullable type: a propagated null stops here."""
    if NULLED in completed:
        return [None if value is NULLED else value for value in completed]
    return completed


def _rows(keys: list[str], columns: list[Any], non_null: list[int], count: int) -> list[Any]:
    """One result row per object from its columns (rows.py); NULLED where a non-null column
    is."""
    if not keys:
        return [{} for _ in range(count)]
    row = row_type(tuple(keys))
    # Every column has one value per object.
    rows: list[Any] = [row(values) for values in zip(*columns)]  # noqa: B905
    for n in non_null:
        column = columns[n]
        if NULLED in column:
            for i, value in enumerate(column):
                if value is NULLED:
                    rows[i] = NULLED
    return rows


async def _settle(values: list[Any], indexes: list[int]) -> None:
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


def _read(source: Any, attribute: str) -> Any:
    try:
        return getattr(source, attribute)
    except Exception as error:  # the field's error, reported at its position
        return error
