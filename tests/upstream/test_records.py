"""Tolerant decoding of Factorial records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gql_server.upstream import UpstreamBadResponse
from gql_server.upstream.page import decode_page
from gql_server.upstream.records import decode_resource, decode_schema, decode_value


def test_integer_and_string_ids_both_become_strings() -> None:
    assert decode_value({"id": 1, "resource_id": 2}).id == "1"
    big = 18_000_000_000_000_001
    value = decode_value({"id": str(big), "resource_id": big, "attachable_id": None})
    assert (value.id, value.resource_id, value.attachable_id) == (str(big), str(big), None)


def test_the_spec_shape_of_a_resource() -> None:
    resource = decode_resource(
        {"id": 5, "schema_id": 1, "attachable_type": "Employee", "attachable_id": 42}
    )
    assert (resource.schema_id, resource.employee_id, resource.name) == ("1", "42", None)


def test_the_community_sdk_shape_of_a_resource() -> None:
    resource = decode_resource(
        {
            "id": 5,
            "name": "Laptops",
            "company_id": 3,
            "created_at": "2026-01-02T03:04:05Z",
            "updated_at": "2026-01-02T03:04:05.123+00:00",
        }
    )
    assert resource.schema_id is None and resource.employee_id is None
    assert resource.name == "Laptops" and resource.company_id == "3"
    assert resource.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_unknown_fields_are_ignored_and_bad_optional_fields_dropped() -> None:
    schema = decode_schema(
        {"id": 1, "name": "x", "company_id": 2, "hidden": True, "extra": [1], "position": "x"}
    )
    assert (schema.hidden, schema.position) == (True, None)
    resource = decode_resource({"id": 1, "created_at": "yesterday"})
    assert resource.created_at is None


@pytest.mark.parametrize(
    "raw",
    [
        {"resource_id": 1},
        {"id": True, "resource_id": 1},
        {"id": 1.5, "resource_id": 1},
        {"id": "", "resource_id": 1},
        {"id": 1},
        [1, 2],
        "x",
    ],
)
def test_records_without_a_usable_id_are_bad_responses(raw: object) -> None:
    with pytest.raises(UpstreamBadResponse):
        decode_value(raw)


def test_a_page_tolerates_partial_meta() -> None:
    page = decode_page(
        {"data": [{"id": 1, "resource_id": 2}], "meta": {"limit": None}}, decode_value
    )
    assert page.total is None and page.limit is None and not page.has_next_page
    with pytest.raises(UpstreamBadResponse):
        decode_page({"data": {"id": 1}}, decode_value)
