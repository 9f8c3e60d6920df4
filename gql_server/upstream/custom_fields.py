"""Records of a table's columns and cells (`custom_fields/*`) and of employees, decoded tolerantly.

A row's cells travel as text (`value`); some field types also carry a typed member
(`long_text_value`, `date_value`, `single_choice_value`, `cents_value`), read first when
present. Unknown fields are ignored; ids become strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .errors import UpstreamBadResponse
from .records import Collection, decode_id

VALUE_TYPE = "CustomResources::Value"


@dataclass(frozen=True, slots=True)
class FieldRecord:
    """A column definition."""

    id: str
    field_type: str
    label: str
    position: int | None
    required: bool
    slug: str | None
    min_value: int | None
    max_value: int | None


@dataclass(frozen=True, slots=True)
class OptionRecord:
    """One choice of a single or multiple choice field."""

    id: str
    field_id: str | None
    label: str
    value: str
    active: bool


@dataclass(frozen=True, slots=True)
class ColumnRecord:
    """That a field is a column of a schema (`schema_id` only when the upstream sends it)."""

    id: str
    field_id: str
    schema_id: str | None


@dataclass(frozen=True, slots=True)
class CellRecord:
    """One cell: a field's value for one record (here, a table row)."""

    id: str
    field_id: str
    valuable_type: str | None
    valuable_id: str | None
    value: str | None
    long_text_value: str | None
    date_value: str | None
    single_choice_value: str | None
    cents_value: int | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class EmployeeRecord:
    """The basic, non-sensitive facts of an employee."""

    id: str
    first_name: str | None
    last_name: str | None
    full_name: str | None
    preferred_name: str | None
    email: str | None
    active: bool | None
    terminated_on: date | None
    manager_id: str | None


def _mapping(raw: object) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise UpstreamBadResponse("Factorial sent a record that is not an object.")
    return raw


def _text(record: Mapping[str, Any], key: str) -> str | None:
    raw = record.get(key)
    return raw if isinstance(raw, str) else None


def _int(record: Mapping[str, Any], key: str) -> int | None:
    raw = record.get(key)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lstrip("-").isdigit():
        return int(raw)
    return None


def _bool(record: Mapping[str, Any], key: str) -> bool | None:
    raw = record.get(key)
    return raw if isinstance(raw, bool) else None


def _optional_id(record: Mapping[str, Any], key: str) -> str | None:
    raw = record.get(key)
    return None if raw is None else decode_id(raw, key)


def _datetime(record: Mapping[str, Any], key: str) -> datetime | None:
    raw = record.get(key)
    try:
        return datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _date(record: Mapping[str, Any], key: str) -> date | None:
    raw = record.get(key)
    try:
        return date.fromisoformat(raw[:10]) if isinstance(raw, str) else None
    except ValueError:
        return None


def decode_field(raw: object) -> FieldRecord:
    record = _mapping(raw)
    return FieldRecord(
        id=decode_id(record.get("id"), "id"),
        field_type=_text(record, "field_type") or "text",
        label=_text(record, "label_text") or _text(record, "label") or "",
        position=_int(record, "position"),
        required=record.get("required") is True,
        slug=_text(record, "slug"),
        min_value=_int(record, "min_value"),
        max_value=_int(record, "max_value"),
    )


def decode_option(raw: object) -> OptionRecord:
    record = _mapping(raw)
    label = _text(record, "label")
    value = _text(record, "value")
    return OptionRecord(
        id=decode_id(record.get("id"), "id"),
        field_id=_optional_id(record, "field_id"),
        label=label if label is not None else (value or ""),
        value=value if value is not None else (label or ""),
        active=record.get("is_active") is not False,
    )


def decode_column(raw: object) -> ColumnRecord:
    record = _mapping(raw)
    schema_id = _optional_id(record, "schema_id") or _optional_id(
        record, "custom_resource_schema_id"
    )
    return ColumnRecord(
        id=decode_id(record.get("id"), "id"),
        field_id=decode_id(record.get("field_id"), "field_id"),
        schema_id=schema_id,
    )


def decode_cell(raw: object) -> CellRecord:
    record = _mapping(raw)
    return CellRecord(
        id=decode_id(record.get("id"), "id"),
        field_id=decode_id(record.get("field_id"), "field_id"),
        valuable_type=_text(record, "valuable_type"),
        valuable_id=_optional_id(record, "valuable_id"),
        value=_text(record, "value"),
        long_text_value=_text(record, "long_text_value"),
        date_value=_text(record, "date_value"),
        single_choice_value=_text(record, "single_choice_value"),
        cents_value=_int(record, "cents_value"),
        updated_at=_datetime(record, "updated_at"),
    )


def decode_employee(raw: object) -> EmployeeRecord:
    record = _mapping(raw)
    return EmployeeRecord(
        id=decode_id(record.get("id"), "id"),
        first_name=_text(record, "first_name"),
        last_name=_text(record, "last_name"),
        full_name=_text(record, "full_name"),
        preferred_name=_text(record, "preferred_name"),
        email=_text(record, "email") or _text(record, "login_email"),
        active=_bool(record, "active"),
        terminated_on=_date(record, "terminated_on"),
        manager_id=_optional_id(record, "manager_id"),
    )


FIELDS: Collection[FieldRecord] = Collection(
    "custom_fields/fields", decode_field, frozenset({"ids"})
)
OPTIONS: Collection[OptionRecord] = Collection(
    "custom_fields/options", decode_option, frozenset({"ids", "field_ids"})
)
COLUMNS: Collection[ColumnRecord] = Collection(
    "custom_fields/resource_fields", decode_column, frozenset({"ids", "schema_ids"})
)
CELLS: Collection[CellRecord] = Collection(
    "custom_fields/values", decode_cell, frozenset({"ids", "instance_id"})
)
EMPLOYEES: Collection[EmployeeRecord] = Collection(
    "employees/employees", decode_employee, frozenset({"ids"})
)
