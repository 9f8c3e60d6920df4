"""Simulator stores of an exact shape, the same in every process that builds them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from gql_server.simulator import SimulatorStore

Owners = Literal["employee", "mixed"]


@dataclass(frozen=True, slots=True)
class Shape:
    """The size of the data behind the nested query.

    `resources` spread round-robin over ceil(resources / per_schema) schemas, each owned by its
    own employee (`mixed`: every tenth by a team, which makes the gateway read the whole values
    collection instead of values by employee), with `values` rows each. With `columns`, every
    schema has that many text columns and every row a cell in each (ids after all the rest,
    so that the records of a shape without columns keep their ids).
    """

    resources: int
    per_schema: int = 50
    values: int = 3
    owners: Owners = "employee"
    columns: int = 0

    @property
    def schemas(self) -> int:
        return max(1, math.ceil(self.resources / self.per_schema))

    def args(self) -> list[str]:
        """The command-line arguments of `bench.sim_server` that rebuild this shape."""
        return [
            f"--resources={self.resources}",
            f"--per-schema={self.per_schema}",
            f"--values={self.values}",
            f"--owners={self.owners}",
            f"--columns={self.columns}",
        ]


def build_store(shape: Shape) -> SimulatorStore:
    """The simulator store of `shape`; deterministic."""
    store = SimulatorStore()
    schemas = [store.add_schema(name=f"Table {i}", position=i) for i in range(shape.schemas)]
    for i in range(shape.resources):
        team = shape.owners == "mixed" and i % 10 == 9
        resource = store.add_resource(
            schema_id=schemas[i % len(schemas)].id,
            attachable_type="Team" if team else "Employee",
            attachable_id=(500 + i % 7) if team else 1000 + i,
        )
        for _ in range(shape.values):
            store.add_value(resource_id=resource.id)
    for schema in schemas if shape.columns else ():
        fields = [
            store.add_field(label=f"Column {c}", position=c + 1) for c in range(shape.columns)
        ]
        for column in fields:
            store.add_resource_field(schema_id=schema.id, field_id=column.id)
        rows = [
            v
            for v in store.values.values()
            if store.resources[v.resource_id].schema_id == schema.id
        ]
        for row in rows:
            for column in fields:
                store.add_cell(
                    value_id=row.id, field_id=column.id, value=f"{column.label_text} of {row.id}"
                )
    return store
