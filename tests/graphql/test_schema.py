"""The built schema's resolvers: plain where strawberry's wrapper would add nothing."""

from __future__ import annotations

from graphql import GraphQLObjectType

from gql_server.graphql import build_schema


def resolver_kind(type_name: str, field_name: str) -> str:
    graphql_type = build_schema()._schema.get_type(type_name)
    assert isinstance(graphql_type, GraphQLObjectType)
    resolve = graphql_type.fields[field_name].resolve
    assert resolve is not None
    return resolve.__qualname__.split(".")[0]


def test_leaves_are_read_straight_from_the_record() -> None:
    for type_name, field_name in [
        ("Schema", "name"),
        ("Resource", "attachableId"),
        ("CustomResourcesValue", "id"),
        ("ResourceConnection", "nodes"),
        ("PageInfo", "endCursor"),
    ]:
        assert resolver_kind(type_name, field_name) == "_read_attribute"


def test_links_call_their_method_without_strawberry_wrapping() -> None:
    for type_name, field_name in [
        ("Query", "schemas"),
        ("Query", "resources"),
        ("Schema", "resources"),
        ("Resource", "values"),
        ("Resource", "schema"),
        ("CustomResourcesValue", "resource"),
        ("CustomResourcesValue", "cell"),
    ]:
        assert resolver_kind(type_name, field_name) == "_call_method"


def test_mutations_keep_strawberry_argument_conversion() -> None:
    assert resolver_kind("Mutation", "createSchema") == "GraphQLCoreConverter"
