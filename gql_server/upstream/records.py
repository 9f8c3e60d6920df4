"""Factorial records and their tolerant decoding from JSON.

Ids arrive as integers (API versions up to 2026-04-01) or strings (from 2026-07-01) and always
leave as strings; unknown fields are ignored; a resource decodes from the official spec's shape
(`schema_id`, `attachable_type`, `attachable_id`) and from the community SDK's (`name`,
`company_id`, `created_at`, `updated_at`), or from both at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from .errors import UpstreamBadResponse

R_co = TypeVar("R_co", covariant=True)


@dataclass(frozen=True, slots=True)
class SchemaRecord:
    """A custom table definition."""

    id: str
    name: str
    company_id: str | None
    hidden: bool
    position: int | None


@dataclass(frozen=True, slots=True)
class ResourceRecord:
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


@dataclass(frozen=True, slots=True)
class ValueRecord:
    """One row of a custom table."""

    id: str
    resource_id: str
    attachable_id: str | None


def decode_id(raw: object, field: str) -> str:
    """An id as an opaque string: JSON integers and non-empty strings are accepted."""
    if isinstance(raw, str) and raw:
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise UpstreamBadResponse(f"Factorial sent a record with an invalid '{field}'.")


def _optional_id(record: Mapping[str, Any], field: str) -> str | None:
    raw = record.get(field)
    return None if raw is None else decode_id(raw, field)


def _optional_str(record: Mapping[str, Any], field: str) -> str | None:
    raw = record.get(field)
    return raw if isinstance(raw, str) else None


def _optional_int(record: Mapping[str, Any], field: str) -> int | None:
    raw = record.get(field)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lstrip("-").isdigit():
        return int(raw)
    return None


def _optional_datetime(record: Mapping[str, Any], field: str) -> datetime | None:
    raw = record.get(field)
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def _require_mapping(raw: object) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise UpstreamBadResponse("Factorial sent a record that is not an object.")
    return raw


def decode_schema(raw: object) -> SchemaRecord:
    record = _require_mapping(raw)
    name = record.get("name")
    return SchemaRecord(
        id=decode_id(record.get("id"), "id"),
        name=name if isinstance(name, str) else "",
        company_id=_optional_id(record, "company_id"),
        hidden=record.get("hidden") is True,
        position=_optional_int(record, "position"),
    )


def decode_resource(raw: object) -> ResourceRecord:
    record = _require_mapping(raw)
    return ResourceRecord(
        id=decode_id(record.get("id"), "id"),
        schema_id=_optional_id(record, "schema_id"),
        attachable_type=_optional_str(record, "attachable_type"),
        attachable_id=_optional_id(record, "attachable_id"),
        name=_optional_str(record, "name"),
        company_id=_optional_id(record, "company_id"),
        created_at=_optional_datetime(record, "created_at"),
        updated_at=_optional_datetime(record, "updated_at"),
    )


def decode_value(raw: object) -> ValueRecord:
    record = _require_mapping(raw)
    return ValueRecord(
        id=decode_id(record.get("id"), "id"),
        resource_id=decode_id(record.get("resource_id"), "resource_id"),
        attachable_id=_optional_id(record, "attachable_id"),
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
