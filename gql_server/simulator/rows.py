"""The simulator's stored records: plain rows with integer ids."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

VALUE_VALUABLE_TYPE = "CustomResources::Value"


@dataclass(slots=True)
class SchemaRow:
    """A custom table definition (`custom_resources/schemas`)."""

    id: int
    name: str
    company_id: int
    hidden: bool
    position: int | None = None


@dataclass(slots=True)
class ResourceRow:
    """A schema attached to one owner (`custom_resources/resources`).

    `name`, `company_id`, `created_at` and `updated_at` are the community SDK's fields; `name`
    falls back to the schema's name when rendered.
    """

    id: int
    schema_id: int
    attachable_type: str
    attachable_id: int
    company_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    name: str | None = None


@dataclass(slots=True)
class ValueRow:
    """One row of a resource's table (`custom_resources/values`); it holds no cell data."""

    id: int
    resource_id: int
    attachable_id: int | None = None


@dataclass(slots=True)
class CellRow:
    """One cell written through `POST values`: a future `custom_fields/values` record."""

    id: int
    field_id: int
    value: str
    valuable_id: int
    valuable_type: str = VALUE_VALUABLE_TYPE
