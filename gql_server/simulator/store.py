"""SimulatorStore: the in-memory records of one Factorial company."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from .field_types import slugify
from .rows import (
    EMPLOYEE,
    VALUE_VALUABLE_TYPE,
    CellRow,
    EmployeeRow,
    FieldRow,
    OptionRow,
    ResourceFieldRow,
    ResourceRow,
    SchemaRow,
    ValueRow,
    field_identifier,
)

__all__ = ["EMPLOYEE", "SimulatorStore"]

# Timestamps come from a fixed clock so that the same calls always build the same data.
CLOCK_START = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)
CLOCK_STEP = datetime.timedelta(minutes=37)


class SimulatorStore:
    """Schemas, resources, values, fields, options, columns, cells and employees of one company.

    Ids come from one sequence shared by every collection, starting at `id_start` (use a value
    near 1.8e16 to get ids beyond JavaScript's 53-bit integers, as new Factorial clusters do);
    only employees may bring their own. The dicts (and the `cells` list, in id order) are
    public for tests to read; change records through the methods here.
    """

    def __init__(self, *, id_start: int = 1, company_id: int = 1) -> None:
        self.company_id = company_id
        self.schemas: dict[int, SchemaRow] = {}
        self.resources: dict[int, ResourceRow] = {}
        self.values: dict[int, ValueRow] = {}
        self.fields: dict[int, FieldRow] = {}
        self.options: dict[int, OptionRow] = {}
        self.resource_fields: dict[int, ResourceFieldRow] = {}
        self.cells: list[CellRow] = []
        self.employees: dict[int, EmployeeRow] = {}
        self._cells_by_id: dict[int, CellRow] = {}
        self._next_id = id_start
        self._clock = CLOCK_START

    def allocate_id(self) -> int:
        """Return the next unused id of the shared sequence."""
        allocated = self._next_id
        self._next_id += 1
        return allocated

    def add_schema(
        self,
        *,
        name: str,
        hidden: bool = False,
        position: int | None = None,
        company_id: int | None = None,
    ) -> SchemaRow:
        """Add a schema; `company_id` defaults to the store's company."""
        row = SchemaRow(
            id=self.allocate_id(),
            name=name,
            company_id=self.company_id if company_id is None else company_id,
            hidden=hidden,
            position=position,
        )
        self.schemas[row.id] = row
        return row

    def add_resource(
        self,
        *,
        schema_id: int,
        attachable_id: int,
        attachable_type: str = EMPLOYEE,
        name: str | None = None,
        created_at: datetime.datetime | None = None,
        updated_at: datetime.datetime | None = None,
    ) -> ResourceRow:
        """Attach schema `schema_id` to an owner; raises KeyError for an unknown schema."""
        if schema_id not in self.schemas:
            raise KeyError(f"no schema {schema_id}")
        created = created_at if created_at is not None else self.tick()
        row = ResourceRow(
            id=self.allocate_id(),
            schema_id=schema_id,
            attachable_type=attachable_type,
            attachable_id=attachable_id,
            company_id=self.company_id,
            created_at=created,
            updated_at=updated_at if updated_at is not None else created,
            name=name,
        )
        self.resources[row.id] = row
        return row

    def add_value(self, *, resource_id: int, attachable_id: int | None = None) -> ValueRow:
        """Add a row to a resource; `attachable_id` defaults to the resource's owner.

        Raises KeyError for an unknown resource.
        """
        resource = self.resources.get(resource_id)
        if resource is None:
            raise KeyError(f"no resource {resource_id}")
        row = ValueRow(
            id=self.allocate_id(),
            resource_id=resource_id,
            attachable_id=resource.attachable_id if attachable_id is None else attachable_id,
        )
        self.values[row.id] = row
        return row

    def add_field(
        self,
        *,
        label: str,
        field_type: str = "text",
        position: int | None = None,
        required: bool = False,
        min_value: int | None = None,
        max_value: int | None = None,
        options: Sequence[str] = (),
        slug: str | None = None,
        company_id: int | None = None,
    ) -> FieldRow:
        """Add a field, and an active option per label in `options`; the slug stays unique."""
        field_id = self.allocate_id()
        taken = {f.slug for f in self.fields.values()}
        base = slug if slug is not None else slugify(label)
        unique, suffix = base, 1
        while unique in taken:
            suffix += 1
            unique = f"{base}_{suffix}"
        row = FieldRow(
            id=field_id,
            field_type=field_type,
            label_text=label,
            company_id=self.company_id if company_id is None else company_id,
            slug=unique,
            identifier=field_identifier(field_id),
            position=position,
            required=required,
            min_value=min_value,
            max_value=max_value,
        )
        self.fields[row.id] = row
        for option in options:
            self.add_option(field_id=row.id, label=option)
        return row

    def add_option(self, *, field_id: int, label: str, is_active: bool = True) -> OptionRow:
        """Add an option to field `field_id`; its `value` is a slug of the label, unique in it.

        Raises KeyError for an unknown field.
        """
        if field_id not in self.fields:
            raise KeyError(f"no field {field_id}")
        taken = {o.value for o in self.field_options(field_id)}
        value, suffix = slugify(label), 1
        while value in taken:
            suffix += 1
            value = f"{slugify(label)}_{suffix}"
        row = OptionRow(self.allocate_id(), field_id, label, value, is_active)
        self.options[row.id] = row
        return row

    def add_resource_field(self, *, schema_id: int, field_id: int) -> ResourceFieldRow:
        """Make field `field_id` a column of schema `schema_id`; KeyError if either is unknown."""
        if schema_id not in self.schemas:
            raise KeyError(f"no schema {schema_id}")
        if field_id not in self.fields:
            raise KeyError(f"no field {field_id}")
        row = ResourceFieldRow(self.allocate_id(), schema_id, field_id)
        self.resource_fields[row.id] = row
        return row

    def add_cell(
        self,
        *,
        value_id: int,
        field_id: int,
        value: str,
        valuable_type: str = VALUE_VALUABLE_TYPE,
        updated_at: datetime.datetime | None = None,
    ) -> CellRow:
        """Record the cell (`field_id`, `value`) of the valuable `value_id`.

        The valuable is a table row (a value id) unless `valuable_type` says otherwise (e.g.
        "Employee" with an employee id). Nothing is checked: writes through the API are.
        """
        row = CellRow(
            id=self.allocate_id(),
            field_id=field_id,
            value=value,
            valuable_id=value_id,
            valuable_type=valuable_type,
            updated_at=updated_at if updated_at is not None else self.tick(),
        )
        self.cells.append(row)
        self._cells_by_id[row.id] = row
        return row

    def update_cell(self, cell: CellRow, value: str) -> CellRow:
        """Set a cell's `value`; its `updated_at` moves to the store clock's next tick, and at
        least a step past the old one (cells may carry timestamps ahead of the clock)."""
        cell.value = value
        cell.updated_at = max(self.tick(), cell.updated_at + CLOCK_STEP)
        return cell

    def delete_field(self, field_id: int) -> FieldRow:
        """Remove a field with its options, its columns and its cells; KeyError if unknown."""
        row = self.fields.pop(field_id)
        # In place, so that references to the public dicts stay true.
        for option_id in [k for k, v in self.options.items() if v.field_id == field_id]:
            del self.options[option_id]
        for column_id in [k for k, v in self.resource_fields.items() if v.field_id == field_id]:
            del self.resource_fields[column_id]
        self.cells[:] = [c for c in self.cells if c.field_id != field_id]
        self._cells_by_id = {c.id: c for c in self.cells}
        return row

    def add_employee(
        self,
        *,
        first_name: str,
        last_name: str,
        id: int | None = None,
        access_id: int | None = None,
        location_id: int = 1,
        created_at: datetime.datetime | None = None,
        updated_at: datetime.datetime | None = None,
        **details: Any,
    ) -> EmployeeRow:
        """Add an employee: `id` and `access_id` default to new ids of the sequence.

        `details` are EmployeeRow's optional fields (email, manager_id, terminated_on, ...).
        """
        created = created_at if created_at is not None else self.tick()
        row = EmployeeRow(
            id=self.allocate_id() if id is None else id,
            access_id=self.allocate_id() if access_id is None else access_id,
            first_name=first_name,
            last_name=last_name,
            company_id=self.company_id,
            location_id=location_id,
            created_at=created,
            updated_at=updated_at if updated_at is not None else created,
            **details,
        )
        self.employees[row.id] = row
        return row

    def cell(self, cell_id: int) -> CellRow | None:
        """Cell `cell_id`, or None."""
        return self._cells_by_id.get(cell_id)

    def field_options(self, field_id: int) -> list[OptionRow]:
        """The options of field `field_id`, in id order."""
        return [o for o in self.options.values() if o.field_id == field_id]

    def schema_field_ids(self, schema_id: int) -> list[int]:
        """The field ids of schema `schema_id`'s columns, in id order of the columns."""
        return [r.field_id for r in self.resource_fields.values() if r.schema_id == schema_id]

    def find_employee_resource(self, *, schema_id: int, employee_id: int) -> ResourceRow | None:
        """The oldest resource of `schema_id` attached to employee `employee_id`, if any."""
        for row in self.resources.values():
            if (
                row.schema_id == schema_id
                and row.attachable_type == EMPLOYEE
                and row.attachable_id == employee_id
            ):
                return row
        return None

    def schema_name(self, schema_id: int) -> str | None:
        """The name of schema `schema_id`, or None when it does not exist."""
        schema = self.schemas.get(schema_id)
        return None if schema is None else schema.name

    def tick(self) -> datetime.datetime:
        """The store clock's next timestamp (each call is a little later than the last)."""
        now = self._clock
        self._clock += CLOCK_STEP
        return now
