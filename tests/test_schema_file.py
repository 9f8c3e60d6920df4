"""schema.graphql at the top level is the exported SDL, never stale."""

from __future__ import annotations

from pathlib import Path

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
