"""The simulator's stored records: plain rows with integer ids."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

VALUE_VALUABLE_TYPE = "CustomResources::Value"
EMPLOYEE = "Employee"
# Rows made without a timestamp (tests building rows by hand) carry this one.
EPOCH = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)


def field_identifier(field_id: int) -> str:
    """The 40-hex `custom_field_identifier` of field `field_id` (stable, like Factorial's)."""
    return hashlib.sha1(f"custom_field:{field_id}".encode(), usedforsecurity=False).hexdigest()


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
    """One cell (`custom_fields/values`): the `value` of field `field_id` on one valuable.

    A table cell has `valuable_type` "CustomResources::Value" and `valuable_id` = the row (a
    ValueRow id); an employee profile field has "Employee" and the employee's id. `value` is
    always the text form (see `field_types` for each type's).
    """

    id: int
    field_id: int
    value: str
    valuable_id: int
    valuable_type: str = VALUE_VALUABLE_TYPE
    updated_at: datetime.datetime = EPOCH


@dataclass(slots=True)
class FieldRow:
    """A column definition (`custom_fields/fields`).

    `min_value`/`max_value` bound rating fields; `identifier` is the value records'
    `custom_field_identifier`; `editable`/`visible` are the write-only permission groups.
    """

    id: int
    field_type: str
    label_text: str
    company_id: int
    slug: str
    identifier: str
    position: int | None = None
    required: bool = False
    min_value: int | None = None
    max_value: int | None = None
    legal_entity_id: int | None = None
    legal_entity_name: str | None = None
    editable: str = "everybody"
    visible: str = "everybody"


@dataclass(slots=True)
class OptionRow:
    """A choice of a single or multiple choice field (`custom_fields/options`).

    Cells store the option's `value` (a slug of its label); `label` is what people see.
    """

    id: int
    field_id: int
    label: str
    value: str
    is_active: bool = True


@dataclass(slots=True)
class ResourceFieldRow:
    """Field `field_id` is a column of schema `schema_id` (`custom_fields/resource_fields`)."""

    id: int
    schema_id: int
    field_id: int


@dataclass(slots=True)
class EmployeeRow:
    """An employee (`employees/employees`), with the fields the official SDK requires.

    `team_ids` only feeds the `team_ids[]` filter (the record does not carry it).
    """

    id: int
    access_id: int
    first_name: str
    last_name: str
    company_id: int
    location_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    email: str | None = None
    legal_entity_id: int | None = None
    manager_id: int | None = None
    terminated_on: datetime.date | None = None
    birthday_on: datetime.date | None = None
    nationality: str | None = None
    country: str | None = None
    city: str | None = None
    phone_number: str | None = None
    company_identifier: str | None = None
    preferred_name: str | None = None
    attendable: bool = True
    team_ids: tuple[int, ...] = field(default=())

    @property
    def full_name(self) -> str:
        """First and last name, as Factorial writes `full_name`."""
        return f"{self.first_name} {self.last_name}"

    def is_active(self, today: datetime.date) -> bool:
        """Not terminated as of `today`: no termination date, or one still ahead."""
        return self.terminated_on is None or self.terminated_on > today
