"""build_demo_store: deterministic, realistic demo data at any size."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from .store import EMPLOYEE, SimulatorStore

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
    return store


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
