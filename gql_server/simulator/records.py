"""Rendering rows as Factorial's JSON records, with integer or string ids by API version."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from .rows import ResourceRow, SchemaRow, ValueRow

# From this version on every id and *_id is a JSON string (ids outgrow 53-bit integers).
FIRST_STRING_ID_VERSION = "2026-07-01"
_VERSION_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ApiVersion:
    """A dated API version from the URL path."""

    text: str

    @property
    def string_ids(self) -> bool:
        """Whether ids travel as JSON strings (2026-07-01 and later) instead of integers."""
        return self.text >= FIRST_STRING_ID_VERSION


def parse_version(text: str) -> ApiVersion | None:
    """The version in `text` (a real date written YYYY-MM-DD), or None."""
    if not _VERSION_PATTERN.fullmatch(text):
        return None
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return ApiVersion(text)


def parse_id(text: str) -> int | None:
    """The id written as ASCII digits in `text`, or None (such ids simply match nothing)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    try:
        return int(text)
    except ValueError:  # beyond the interpreter's digit limit
        return None


def render_id(value: int, version: ApiVersion) -> int | str:
    """An id as this version writes it."""
    return str(value) if version.string_ids else value


def render_schema(row: SchemaRow, version: ApiVersion) -> Record:
    """A schema record; `position` is left out when unset, as the spec marks it optional."""
    record: Record = {
        "id": render_id(row.id, version),
        "name": row.name,
        "company_id": render_id(row.company_id, version),
        "hidden": row.hidden,
    }
    if row.position is not None:
        record["position"] = row.position
    return record


def render_resource(
    row: ResourceRow, version: ApiVersion, *, schema_name: str | None, sdk_fields: bool
) -> Record:
    """A resource record; with `sdk_fields` also the community SDK's four fields."""
    record: Record = {
        "id": render_id(row.id, version),
        "schema_id": render_id(row.schema_id, version),
        "attachable_type": row.attachable_type,
        "attachable_id": render_id(row.attachable_id, version),
    }
    if sdk_fields:
        record["name"] = row.name if row.name is not None else (schema_name or "")
        record["company_id"] = render_id(row.company_id, version)
        record["created_at"] = row.created_at.isoformat()
        record["updated_at"] = row.updated_at.isoformat()
    return record


def render_value(row: ValueRow, version: ApiVersion) -> Record:
    """A value record; `attachable_id` is left out when the value has no owner."""
    record: Record = {
        "id": render_id(row.id, version),
        "resource_id": render_id(row.resource_id, version),
    }
    if row.attachable_id is not None:
        record["attachable_id"] = render_id(row.attachable_id, version)
    return record
