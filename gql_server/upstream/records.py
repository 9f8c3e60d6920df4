"""Factorial records and their tolerant decoding from JSON.

Ids arrive as integers (API versions up to 2026-04-01) or strings (from 2026-07-01) and always
leave as strings; unknown fields are ignored; a resource decodes from the official spec's shape
(`schema_id`, `attachable_type`, `attachable_id`) and from the community SDK's (`name`,
`company_id`, `created_at`, `updated_at`), or from both at once.

The three records a nested read makes by the thousand are msgspec structs, frozen and outside
the cycle collector (they hold only strings, numbers, dates and None, so no cycle can run
through them): a frozen dataclass's `__init__` sets each field through `object.__setattr__`,
2.5 us for a resource against 0.1 us, and each instance carries a collector header.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import msgspec

from .decoding import (
    decode_id,
    optional_datetime,
    optional_int,
    require_mapping,
    shared_id,
    shared_str,
)

R_co = TypeVar("R_co", covariant=True)


class SchemaRecord(msgspec.Struct, frozen=True, gc=False):
    """A custom table definition."""

    id: str
    name: str
    company_id: str | None
    hidden: bool
    position: int | None


class ResourceRecord(msgspec.Struct, frozen=True, gc=False):
    """A custom table attached to one owner (usually an employee)."""

    id: str
    schema_id: str | None
    attachable_type: str | None
    attachable_id: str | None
    name: str | None
    company_id: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def employee_id(self) -> str | None:
        """The owning employee's id, when the owner is an employee."""
        if self.attachable_type == "Employee":
            return self.attachable_id
        return None


class ValueRecord(msgspec.Struct, frozen=True, gc=False):
    """One row of a custom table."""

    id: str
    resource_id: str
    attachable_id: str | None


def decode_schema(raw: object) -> SchemaRecord:
    record = require_mapping(raw)
    name = record.get("name")
    return SchemaRecord(
        # Interned: every resource of the table names it again (`schema_id`).
        id=sys.intern(decode_id(record.get("id"), "id")),
        name=name if isinstance(name, str) else "",
        company_id=shared_id(record, "company_id"),
        hidden=record.get("hidden") is True,
        position=optional_int(record, "position"),
    )


def decode_resource(raw: object) -> ResourceRecord:
    record = require_mapping(raw)
    return ResourceRecord(
        # Interned: every row of the resource names it again (`resource_id`), and the rows
        # then share this one string instead of each making its own.
        id=sys.intern(decode_id(record.get("id"), "id")),
        schema_id=shared_id(record, "schema_id"),
        attachable_type=shared_str(record, "attachable_type"),
        attachable_id=shared_id(record, "attachable_id"),
        # In the SDK's shape a resource is named after its table: the same name again and again.
        name=shared_str(record, "name"),
        company_id=shared_id(record, "company_id"),
        created_at=optional_datetime(record, "created_at"),
        updated_at=optional_datetime(record, "updated_at"),
    )


def decode_value(raw: object) -> ValueRecord:
    record = require_mapping(raw)
    return ValueRecord(
        id=decode_id(record.get("id"), "id"),
        resource_id=sys.intern(decode_id(record.get("resource_id"), "resource_id")),
        attachable_id=shared_id(record, "attachable_id"),
    )


@dataclass(frozen=True, slots=True)
class Collection(Generic[R_co]):
    """One Factorial list endpoint and how to decode its records."""

    path: str
    decode: Callable[[object], R_co]
    filters: frozenset[str]


SCHEMAS: Collection[SchemaRecord] = Collection(
    "custom_resources/schemas", decode_schema, frozenset({"ids"})
)
RESOURCES: Collection[ResourceRecord] = Collection(
    "custom_resources/resources", decode_resource, frozenset({"ids", "employee_ids"})
)
VALUES: Collection[ValueRecord] = Collection(
    "custom_resources/values", decode_value, frozenset({"ids", "employee_ids"})
)
