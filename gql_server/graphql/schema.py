"""The GraphQL schema of the gateway and its SDL.

graphql-core executes the schema directly (endpoint.py), so each field's `resolve` is called
once per object of a response: for a leaf, strawberry's resolver makes three Python calls to
read one attribute; for a resolver method it builds an `Info`, converts every argument by
inspecting its annotation and runs the (empty) chain of field extensions. Once the schema is
built, `plain_resolvers` gives the fields of our object types plain resolvers doing the same
thing directly. Mutations, and fields whose arguments strawberry must convert (input objects,
enums, custom scalars) or that carry extensions, keep strawberry's own.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType, GraphQLResolveInfo, get_named_type
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from .mutation import Mutation
from .query import Query

Resolver = Callable[..., Any]

PLAIN_SCALARS = frozenset({"ID", "String", "Int", "Float", "Boolean"})
"""Scalars whose values strawberry passes to resolvers as graphql-core gives them."""


@cache
def build_schema() -> strawberry.Schema:
    """The one schema of this server (immutable, so built once per process).

    It declares @defer and @stream, so graphql-core validates their uses; queries run them on
    the column executor (incremental/), and `graphql.execute` refuses the schema: execute it
    with `experimental_execute_incrementally`.
    """
    config = StrawberryConfig(enable_experimental_incremental_execution=True)
    schema = strawberry.Schema(query=Query, mutation=Mutation, config=config)
    plain_resolvers(schema)
    return schema


def export_sdl() -> str:
    """The schema in SDL, as committed in `schema.graphql`."""
    return build_schema().as_str() + "\n"


def plain_resolvers(schema: strawberry.Schema) -> int:
    """Replace strawberry's resolver wrappers where a plain resolver does the same; a count."""
    names = schema.config.name_converter
    mutation = schema._schema.mutation_type
    replaced = 0
    for name, concrete in schema.schema_converter.type_map.items():
        definition = concrete.definition
        if not isinstance(definition, StrawberryObjectDefinition) or definition.is_input:
            continue
        graphql_type = schema._schema.get_type(name)
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type is mutation:
            continue
        for field in definition.fields:
            graphql_field = graphql_type.fields.get(names.get_graphql_name(field))
            if graphql_field is None:
                continue
            resolve = _plain_resolver(schema, field, graphql_field)
            if resolve is not None:
                graphql_field.resolve = resolve
                replaced += 1
    return replaced


def _plain_resolver(
    schema: strawberry.Schema, field: StrawberryField, graphql_field: GraphQLField
) -> Resolver | None:
    if field.extensions or getattr(field, "permission_classes", None):
        return None
    if field.base_resolver is None:
        if schema.config.default_resolver is not getattr:
            return None
        return _read_attribute(field.python_name)
    if not all(
        get_named_type(argument.type).name in PLAIN_SCALARS
        for argument in graphql_field.args.values()
    ):
        return None
    return _call_method(schema, field)


def _read_attribute(name: str) -> Resolver:
    """A leaf read straight from the record, as strawberry's default resolver reads it."""

    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        return getattr(source, name)

    # Lets an executor read the leaf without calling the resolver (execution.py).
    resolve.attribute = name  # type: ignore[attr-defined]
    return resolve


def _call_method(schema: strawberry.Schema, field: StrawberryField) -> Resolver | None:
    """The field's resolver method called as strawberry calls it, without the wrapping.

    Arguments arrive under their GraphQL names with the SDL's defaults filled in; they are
    passed under their Python names. An async method's coroutine is returned unawaited:
    graphql-core awaits it, with no wrapper coroutine in between.
    """
    resolver = field.base_resolver
    assert resolver is not None
    function = resolver.wrapped_func
    if not inspect.isfunction(function):
        return None
    names = schema.config.name_converter
    renames = [(names.get_graphql_name(a), a.python_name) for a in field.arguments]
    self_name = resolver.self_parameter.name if resolver.self_parameter else None
    sources = [
        p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
    ]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    info_class = schema.config.info_class

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **given: Any) -> Any:
        arguments = {python: given[name] for name, python in renames if name in given}
        for name in sources:
            arguments[name] = source
        if info_name is not None:
            arguments[info_name] = info_class(_raw_info=info, _field=field)
        if self_name is not None:
            return function(source, **arguments)
        return function(**arguments)

    batch = getattr(function, "batch", None)
    if batch is not None:

        def resolve_all(sources: list[Any], context: Any, **given: Any) -> Any:
            return batch(sources, context, **{p: given[n] for n, p in renames if n in given})

        # The executor's column form (columns.py, batched.py).
        resolve.batch = resolve_all  # type: ignore[attr-defined]
    return resolve
