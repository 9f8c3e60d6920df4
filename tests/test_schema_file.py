"""schema.graphql at the top level is the exported SDL, never stale."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLObjectType, build_schema

from gql_server.graphql import export_sdl

SCHEMA_FILE = Path(__file__).parents[1] / "schema.graphql"


def test_schema_graphql_is_in_sync() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == export_sdl(), (
        "schema.graphql is stale: run `gql-server export-schema -o schema.graphql`"
    )


def test_every_id_is_an_id_and_connections_are_relay_style() -> None:
    sdl = export_sdl()
    for type_name in ("Schema", "Resource", "CustomResourcesValue"):
        assert f"type {type_name}Connection {{" in sdl
        assert f"type {type_name}Edge {{" in sdl
    assert "Int!\n  resourceId" not in sdl
    for line in sdl.splitlines():
        name = line.strip().split(":")[0]
        if name == "id" or (name.endswith("Id") and "(" not in name):
            assert ": ID" in line, line


def readme_surface() -> str:
    readme = (SCHEMA_FILE.parent / "README.md").read_text(encoding="utf-8")
    return readme.split("## The GraphQL surface", 1)[1].split("\n## ", 1)[0]


def test_the_readmes_types_and_fields_are_the_schemas() -> None:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    listed = re.findall(r"`([A-Z]\w*) \{ ([^}`]*) \}`", readme_surface())
    assert len(listed) >= 6
    for type_name, fields in listed:
        graphql_type = schema.get_type(type_name)
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        names = re.sub(r"\([^)]*\)", "", fields).split()
        assert set(names) == set(graphql_type.fields), type_name


def test_the_readmes_field_types_are_the_enum() -> None:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    enum = schema.get_type("FieldType")
    assert isinstance(enum, GraphQLEnumType)
    match = re.search(r"`type` is one of `([A-Z_ ]+)`", readme_surface())
    assert match is not None
    assert match.group(1).split() == list(enum.values)


def test_the_readmes_roots_are_the_schemas() -> None:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    for root in ("Query", "Mutation"):
        line = re.search(rf"^- `{root}`: (.*?)(?=^- |\Z)", readme_surface(), re.M | re.S)
        assert line is not None, root
        named = set(re.findall(r"`(\w+)\(", line.group(1)))
        graphql_type = schema.get_type(root)
        assert isinstance(graphql_type, GraphQLObjectType)
        assert named == set(graphql_type.fields), root
