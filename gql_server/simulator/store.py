"""SimulatorStore: the in-memory records of one Factorial company."""

from __future__ import annotations

import datetime

from .rows import CellRow, ResourceRow, SchemaRow, ValueRow

EMPLOYEE = "Employee"
# Timestamps come from a fixed clock so that the same calls always build the same data.
CLOCK_START = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)
CLOCK_STEP = datetime.timedelta(minutes=37)


class SimulatorStore:
    """Schemas, resources, values and cells of one company, keyed by integer id.

    Ids come from one sequence shared by every collection, starting at `id_start` (use a value
    near 1.8e16 to get ids beyond JavaScript's 53-bit integers, as new Factorial clusters do).
    The dicts are public for tests to read; add records through the `add_*` methods.
    """

    def __init__(self, *, id_start: int = 1, company_id: int = 1) -> None:
        self.company_id = company_id
        self.schemas: dict[int, SchemaRow] = {}
        self.resources: dict[int, ResourceRow] = {}
        self.values: dict[int, ValueRow] = {}
        self.cells: list[CellRow] = []
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
        created = created_at if created_at is not None else self._tick()
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

    def add_cell(self, *, value_id: int, field_id: int, value: str) -> CellRow:
        """Record the cell (`field_id`, `value`) of value `value_id`."""
        row = CellRow(id=self.allocate_id(), field_id=field_id, value=value, valuable_id=value_id)
        self.cells.append(row)
        return row

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

    def _tick(self) -> datetime.datetime:
        now = self._clock
        self._clock += CLOCK_STEP
        return now
