"""Rendering: integer ids up to 2026-04-01, string ids from 2026-07-01."""

from __future__ import annotations

import datetime

import pytest

from gql_server.simulator.records import (
    ApiVersion,
    parse_id,
    parse_version,
    render_resource,
    render_schema,
    render_value,
)
from gql_server.simulator.rows import ResourceRow, SchemaRow, ValueRow

OLD = ApiVersion("2026-04-01")
NEW = ApiVersion("2026-10-01")
WHEN = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("text", "string_ids"),
    [("2025-10-01", False), ("2026-04-01", False), ("2026-07-01", True), ("2027-01-01", True)],
)
def test_versions(text: str, string_ids: bool) -> None:
    version = parse_version(text)
    assert version is not None
    assert version.string_ids is string_ids


@pytest.mark.parametrize("text", ["v1", "2026-13-01", "2026-4-1", "latest", "2026-04-01x", ""])
def test_not_versions(text: str) -> None:
    assert parse_version(text) is None


@pytest.mark.parametrize(("text", "expected"), [("12", 12), (" 7 ", 7), ("x", None), ("-1", None)])
def test_parse_id(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


def test_schema_ids_by_version_and_optional_position() -> None:
    row = SchemaRow(id=2**60, name="Laptops", company_id=1, hidden=False)
    assert render_schema(row, OLD) == {
        "id": 2**60,
        "name": "Laptops",
        "company_id": 1,
        "hidden": False,
    }
    assert render_schema(row, NEW)["id"] == str(2**60)
    row.position = 3
    assert render_schema(row, NEW)["position"] == 3


def test_resource_sdk_fields_fall_back_to_schema_name() -> None:
    row = ResourceRow(1, 2, "Employee", 42, 9, WHEN, WHEN)
    record = render_resource(row, NEW, schema_name="Laptops", sdk_fields=True)
    assert record == {
        "id": "1",
        "schema_id": "2",
        "attachable_type": "Employee",
        "attachable_id": "42",
        "name": "Laptops",
        "company_id": "9",
        "created_at": "2025-01-06T09:00:00+00:00",
        "updated_at": "2025-01-06T09:00:00+00:00",
    }
    assert set(render_resource(row, NEW, schema_name="Laptops", sdk_fields=False)) == {
        "id",
        "schema_id",
        "attachable_type",
        "attachable_id",
    }


def test_value_without_owner_omits_attachable_id() -> None:
    assert render_value(ValueRow(5, 3, None), OLD) == {"id": 5, "resource_id": 3}
    assert render_value(ValueRow(5, 3, 42), OLD) == {"id": 5, "resource_id": 3, "attachable_id": 42}
