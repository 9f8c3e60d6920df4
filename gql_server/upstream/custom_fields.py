"""Records of a table's columns and cells (`custom_fields/*`) and of employees, decoded tolerantly.

A row's cells travel as text (`value`); some field types also carry a typed member
(`long_text_value`, `date_value`, `single_choice_value`, `cents_value`), read first when
present. Unknown fields are ignored; ids become strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .decoding import (
    decode_id,
    optional_bool,
    optional_date,
    optional_datetime,
    optional_id,
    optional_int,
    optional_str,
    require_mapping,
)
from .records import Collection

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


def decode_field(raw: object) -> FieldRecord:
    record = require_mapping(raw)
    return FieldRecord(
        id=decode_id(record.get("id"), "id"),
        field_type=optional_str(record, "field_type") or "text",
        label=optional_str(record, "label_text") or optional_str(record, "label") or "",
        position=optional_int(record, "position"),
        required=record.get("required") is True,
        slug=optional_str(record, "slug"),
        min_value=optional_int(record, "min_value"),
        max_value=optional_int(record, "max_value"),
    )


def decode_option(raw: object) -> OptionRecord:
    record = require_mapping(raw)
    label = optional_str(record, "label")
    value = optional_str(record, "value")
    return OptionRecord(
        id=decode_id(record.get("id"), "id"),
        field_id=optional_id(record, "field_id"),
        label=label if label is not None else (value or ""),
        value=value if value is not None else (label or ""),
        active=record.get("is_active") is not False,
    )


def decode_column(raw: object) -> ColumnRecord:
    record = require_mapping(raw)
    schema_id = optional_id(record, "schema_id") or optional_id(record, "custom_resource_schema_id")
    return ColumnRecord(
        id=decode_id(record.get("id"), "id"),
        field_id=decode_id(record.get("field_id"), "field_id"),
        schema_id=schema_id,
    )


def decode_cell(raw: object) -> CellRecord:
    record = require_mapping(raw)
    return CellRecord(
        id=decode_id(record.get("id"), "id"),
        field_id=decode_id(record.get("field_id"), "field_id"),
        valuable_type=optional_str(record, "valuable_type"),
        valuable_id=optional_id(record, "valuable_id"),
        value=optional_str(record, "value"),
        long_text_value=optional_str(record, "long_text_value"),
        date_value=optional_str(record, "date_value"),
        single_choice_value=optional_str(record, "single_choice_value"),
        cents_value=optional_int(record, "cents_value"),
        updated_at=optional_datetime(record, "updated_at"),
    )


def decode_employee(raw: object) -> EmployeeRecord:
    record = require_mapping(raw)
    return EmployeeRecord(
        id=decode_id(record.get("id"), "id"),
        first_name=optional_str(record, "first_name"),
        last_name=optional_str(record, "last_name"),
        full_name=optional_str(record, "full_name"),
        preferred_name=optional_str(record, "preferred_name"),
        email=optional_str(record, "email") or optional_str(record, "login_email"),
        active=optional_bool(record, "active"),
        terminated_on=optional_date(record, "terminated_on"),
        manager_id=optional_id(record, "manager_id"),
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
