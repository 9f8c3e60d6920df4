"""graphql-core's executor with a fast path for leaves read from records, and a faster
awaitable check: pass both to graphql-core's execution (`executor_class=`, `is_awaitable=`;
`experimental_execute_incrementally`, since the schema declares @defer and @stream).

Most fields of a response are leaves (ids, names) that `schema.plain_resolvers` reads with
`getattr`. For each, graphql-core still builds a `GraphQLResolveInfo` (a 14-item tuple), calls
the resolver and walks `complete_value`; here a leaf without arguments is read and coerced
directly, with graphql-core's own errors and null handling.
"""

from __future__ import annotations

from inspect import CO_ITERABLE_COROUTINE
from types import CoroutineType, GeneratorType
from typing import Any, TypeGuard

from graphql import GraphQLEnumType, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, Undefined
from graphql.execution.executor import Executor

_LEAF_TYPES = (GraphQLScalarType, GraphQLEnumType)

# Result types that are never awaitable: most of what resolvers return.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), dict, list, tuple})


def is_awaitable(value: Any) -> TypeGuard[Any]:
    """graphql-core's `is_awaitable`, answering at once for plain values."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return False
    return (
        kind is CoroutineType
        or (kind is GeneratorType and bool(value.gi_code.co_flags & CO_ITERABLE_COROUTINE))
        or hasattr(value, "__await__")
    )


class GatewayExecutor(Executor[Any]):
    """The default executor, reading argument-less leaves of plain resolvers directly.

    graphql-core's plain executor, not its incremental one, which completes each deferred
    fragment object by object: mutations refuse @defer and @stream (incremental/rules.py),
    and queries run on the column executor.
    """

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        field_def = self.schema.get_field(parent_type, node.name.value)
        attribute = getattr(field_def.resolve, "attribute", None) if field_def else None
        if (
            field_def is None
            or attribute is None
            or node.arguments
            or field_def.args
            or self.middleware_manager
        ):
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        return_type = field_def.type
        non_null = isinstance(return_type, GraphQLNonNull)
        leaf = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if not isinstance(leaf, _LEAF_TYPES):
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        try:
            value = getattr(source, attribute)
            if isinstance(value, Exception):
                raise value
            if value is None or value is Undefined:
                if non_null:
                    field = f"{parent_type}.{node.name.value}"
                    raise TypeError(f"Cannot return null for non-nullable field {field}.")
                return None
            return self.complete_leaf_value(leaf, value)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
