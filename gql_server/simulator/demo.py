"""build_demo_store: deterministic, realistic demo data at any size."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from .demo_columns import ColumnSpec, columns_for, sample_value
from .demo_people import add_demo_employees
from .field_types import CHOICE_TYPES
from .rows import EMPLOYEE
from .store import SimulatorStore

SCHEMA_NAMES = (
    "Laptops",
    "Certifications",
    "Emergency contacts",
    "Company cars",
    "Training courses",
    "Languages",
    "Mobile phones",
    "Work permits",
    "Parking spots",
    "Equipment loans",
    "Vaccinations",
    "Professional memberships",
)
TEAM = "Team"
# One resource in ten belongs to a team (from the fourth on), so the non-employee path has data.
TEAM_EVERY = 10
TEAM_SLOT = 3
TEAM_COUNT = 3
TEAM_OFFSET = 500
EMPLOYEE_OFFSET = 1000
EMPTY_CELLS = 0.2  # the share of optional cells left empty
SHIRT_SIZES = ("XS", "S", "M", "L", "XL")

Slot = tuple[int, str, int]  # (schema id, owner type, owner id)


def _schema_name(index: int) -> str:
    base = SCHEMA_NAMES[index % len(SCHEMA_NAMES)]
    round_ = index // len(SCHEMA_NAMES)
    return base if round_ == 0 else f"{base} {round_ + 1}"


def build_demo_store(
    schemas: int = 4,
    resources: int = 40,
    values_per_resource: int | tuple[int, int] = (1, 6),
    seed: int = 0,
    id_start: int = 1,
    company_id: int = 1,
) -> SimulatorStore:
    """A store of `schemas` schemas, `resources` resources and a few values per resource.

    The same arguments always give the same data. Every schema gets resources; most belong to
    employees (about one employee per two resources, so employees share several, but no owner
    has the same schema twice), and one in ten to a team. Owner ids sit a little above
    `id_start` (teams from +500, employees from +1000), so a huge `id_start` gives huge owner
    ids too. `values_per_resource` is a count or an inclusive (min, max) range.

    Then, with ids after all of those: each schema's columns (its theme's, see
    `demo_columns`; every field type is among them), a cell for most columns of every row
    (required ones always, about one optional cell in five left empty), an employee record
    for every employee an owner id may name, and an employee profile field ("T-shirt size",
    not a column) with cells on most employees. Adding these never changes the schemas,
    resources and values that the same arguments gave before.
    """
    # Not for security: a seeded generator keeps the demo reproducible.
    rng = random.Random(seed)  # noqa: S311
    store = SimulatorStore(id_start=id_start, company_id=company_id)
    low, high = (
        (values_per_resource, values_per_resource)
        if isinstance(values_per_resource, int)
        else values_per_resource
    )
    schema_ids = [
        store.add_schema(name=_schema_name(i), hidden=rng.random() < 0.15, position=i + 1).id
        for i in range(schemas)
    ]
    if not schema_ids:
        return store
    pools = {
        TEAM: (id_start + TEAM_OFFSET, TEAM_COUNT),
        # Enough employees that every resource finds a free (schema, employee) pair.
        EMPLOYEE: (id_start + EMPLOYEE_OFFSET, max(1, resources // 2, -(-resources // schemas))),
    }
    taken: set[Slot] = set()
    for index in range(resources):
        # Round-robin first, so that every schema has at least one resource.
        first_schema = index if index < schemas else rng.randrange(schemas)
        wanted = TEAM if index % TEAM_EVERY == TEAM_SLOT else EMPLOYEE
        slot = _free_slot(rng, schema_ids, first_schema, (wanted, EMPLOYEE), pools, taken)
        taken.add(slot)
        schema_id, owner_type, owner_id = slot
        resource = store.add_resource(
            schema_id=schema_id, attachable_type=owner_type, attachable_id=owner_id
        )
        resource.updated_at += datetime.timedelta(hours=rng.randrange(24 * 90))
        for _ in range(rng.randint(low, high)):
            store.add_value(resource_id=resource.id)
    # A generator of its own, so that the rows above stay what they always were.
    extra = random.Random(f"{seed}:columns")  # noqa: S311
    _add_columns_and_cells(store, extra)
    employee_base, employee_count = pools[EMPLOYEE]
    team_base, team_count = pools[TEAM]
    employee_ids = range(employee_base, employee_base + employee_count)
    team_ids = range(team_base, team_base + team_count)
    add_demo_employees(store, extra, employee_ids, team_ids, id_start)
    _add_profile_cells(store, extra)
    return store


def _add_columns_and_cells(store: SimulatorStore, rng: random.Random) -> None:
    columns: dict[int, list[tuple[int, ColumnSpec, list[str]]]] = {}
    for schema in store.schemas.values():
        columns[schema.id] = []
        for position, spec in enumerate(columns_for(schema.name), start=1):
            rating = spec.field_type == "rating"
            field = store.add_field(
                label=spec.label,
                field_type=spec.field_type,
                position=position,
                required=spec.required,
                min_value=spec.low if rating else None,
                max_value=spec.high if rating else None,
                options=spec.samples if spec.field_type in CHOICE_TYPES else (),
            )
            store.add_resource_field(schema_id=schema.id, field_id=field.id)
            option_values = [o.value for o in store.field_options(field.id)]
            columns[schema.id].append((field.id, spec, option_values))
    for value in store.values.values():
        resource = store.resources[value.resource_id]
        # One draw per row, shared by its linked columns: a contact's e-mail is the contact's.
        pick = rng.randrange(1 << 16)
        for field_id, spec, option_values in columns[resource.schema_id]:
            if not spec.required and rng.random() < EMPTY_CELLS:
                continue
            store.add_cell(
                value_id=value.id,
                field_id=field_id,
                value=sample_value(rng, spec, option_values, pick),
                updated_at=resource.created_at + datetime.timedelta(hours=rng.randrange(2880)),
            )


def _add_profile_cells(store: SimulatorStore, rng: random.Random) -> None:
    """An employee profile field, so that employees' own cells sit beside the tables'."""
    field = store.add_field(label="T-shirt size", field_type="single_choice", options=SHIRT_SIZES)
    sizes = [o.value for o in store.field_options(field.id)]
    for employee in store.employees.values():
        if rng.random() < 0.7:
            store.add_cell(
                value_id=employee.id,
                field_id=field.id,
                value=rng.choice(sizes),
                valuable_type=EMPLOYEE,
                updated_at=employee.updated_at,
            )


def _free_slot(
    rng: random.Random,
    schema_ids: Sequence[int],
    first_schema: int,
    owner_types: Sequence[str],
    pools: dict[str, tuple[int, int]],
    taken: set[Slot],
) -> Slot:
    """An unused slot: the owner types in order, schemas from `first_schema`, a random owner."""
    for owner_type in owner_types:
        base, count = pools[owner_type]
        first_owner = rng.randrange(count)
        for step in range(len(schema_ids)):
            schema_id = schema_ids[(first_schema + step) % len(schema_ids)]
            for probe in range(count):
                slot = (schema_id, owner_type, base + (first_owner + probe) % count)
                if slot not in taken:
                    return slot
    raise AssertionError("the employee pool is sized to always leave a free slot")
