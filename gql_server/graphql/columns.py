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

This module is the level loop: a level's objects, their fields as columns, and resolvers
called per level or per object. Completing a column by its type is `completion.py`; the
lazily made response paths are `positions.py`.

Error semantics are graphql-core's: a failing field is null with an error at its path, and a
null in a non-null position nulls the nearest nullable ancestor. One difference: a level is
completed whole before nulls propagate, so every error inside a subtree that ends up null is
reported, where graphql-core stops at the first one it meets (tests/graphql/test_columns.py
states this exactly).

Mutations (executed serially), operations that disable error propagation and middleware keep
graphql-core's own execution. @defer and @stream do not: `ColumnExecutor` answers whole,
ignoring them (a client that accepts no parts), and its subclass in incremental/ leaves each
deferred fragment and streamed list out of the payload it completes as units of a whole level,
completed later by this same level loop.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast
from weakref import ref

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLFieldResolver,
    GraphQLID,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.values import get_argument_values
from graphql.language import FieldNode
from graphql.pyutils import Path, gather_with_cancel

from .completion import NULLED, CompletingExecutor, Site, settle, then_apply
from .positions import FieldOf, Paths, Root, Where, path_at
from .rows import Row, row_type


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


def _named(output_type: Any) -> Any:
    return output_type.of_type if isinstance(output_type, GraphQLNonNull) else output_type


def _attribute(field_def: GraphQLField, resolve: Any) -> str | None:
    """The record attribute a field without arguments reads, if that is all it does."""
    attribute = getattr(resolve, "attribute", None)
    if attribute is None or field_def.args:
        return None
    return cast("str", attribute)


class ColumnExecutor(CompletingExecutor):
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
        root = self._objects(root_type, grouped_field_set, [root_value], Root())
        return then_apply(root, _data)

    # -- objects and fields ---------------------------------------------------------------

    def _next_level(
        self, object_type: GraphQLObjectType, site: Site, sources: list[Any], where: Where
    ) -> Any:
        return self._objects(object_type, self._subfields(object_type, site.fields), sources, where)

    def _objects(
        self,
        object_type: GraphQLObjectType,
        fields: GroupedFieldSet,
        sources: list[Any],
        where: Where,
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
        parents: Where,
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
            site = Site(parent_type, field_def, details, name)
            where = FieldOf(parents, key, parent_type.name)
            return self._complete(site, field_def.type, values, where)
        site = Site(parent_type, field_def, details, name)
        batch = getattr(resolve, "batch", None)
        if batch is not None:
            return self._batch_column(site, batch, key, sources, parents)
        return self._resolve_column(site, resolve, key, sources, parents)

    def _resolve_column(
        self,
        site: Site,
        resolve: GraphQLFieldResolver,
        key: str,
        sources: list[Any],
        parents: Where,
    ) -> Any:
        """A field resolved once per object, as graphql-core resolves every field."""
        field_def = site.field_def
        typename = site.parent_type.name
        parents = parents.all(len(sources))
        field_paths: list[Path | None] = [
            Path(parents.at(i), key, typename) for i in range(len(sources))
        ]
        where = Paths(field_paths)
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
                value = resolve(source, info(site, path_at(where, i)), **arguments)
            except Exception as error:  # a field error, reported when completed
                value = error
            else:
                if is_awaitable(value):
                    awaiting.append(i)
            values.append(value)
        if not awaiting:
            return self._complete(site, field_def.type, values, where)

        async def awaited() -> list[Any]:
            await settle(values, awaiting)
            completed = self._complete(site, field_def.type, values, where)
            return await completed if type(completed) is not list else completed

        return awaited()

    def _batch_column(
        self, site: Site, batch: Any, key: str, sources: list[Any], parents: Where
    ) -> Any:
        """A field resolved for every object at once by its batch resolver (see `batched`)."""
        field_def = site.field_def
        where = FieldOf(parents, key, site.parent_type.name)
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

    def _field_arguments(self, site: Site) -> Any:
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


def _data(rows: list[Any]) -> dict[str, Any] | None:
    (data,) = rows
    if data is NULLED:
        return None
    return data.as_dict() if isinstance(data, Row) else cast("dict[str, Any]", data)


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


def _read(source: Any, attribute: str) -> Any:
    try:
        return getattr(source, attribute)
    except Exception as error:  # the field's error, reported at its position
        return error
