"""build_demo_store: deterministic, realistic, any size."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest

from gql_server.simulator import SimulatorStore, build_demo_store
from gql_server.simulator.field_types import FIELD_TYPES, check_cell_value


def snapshot(store: SimulatorStore) -> tuple[object, ...]:
    return (
        list(store.schemas.values()),
        list(store.resources.values()),
        list(store.values.values()),
        list(store.fields.values()),
        list(store.options.values()),
        list(store.resource_fields.values()),
        store.cells,
        list(store.employees.values()),
    )


def test_same_arguments_give_the_same_data() -> None:
    assert snapshot(build_demo_store(seed=3)) == snapshot(build_demo_store(seed=3))
    assert snapshot(build_demo_store(seed=3)) != snapshot(build_demo_store(seed=4))


def test_default_size_makes_a_demo() -> None:
    store = build_demo_store()
    assert len(store.schemas) == 4
    assert len(store.resources) == 40
    assert 40 <= len(store.values) <= 240
    names = [s.name for s in store.schemas.values()]
    assert names == ["Laptops", "Certifications", "Emergency contacts", "Company cars"]


def test_owners_are_mostly_employees_some_shared_and_some_teams() -> None:
    store = build_demo_store()
    types = Counter(r.attachable_type for r in store.resources.values())
    assert types["Team"] >= 1
    assert types["Employee"] > 3 * types["Team"]
    per_employee = Counter(
        r.attachable_id for r in store.resources.values() if r.attachable_type == "Employee"
    )
    assert max(per_employee.values()) >= 2
    slots = [(r.schema_id, r.attachable_type, r.attachable_id) for r in store.resources.values()]
    assert len(slots) == len(set(slots)), "no owner has the same schema twice"


def test_every_schema_gets_resources() -> None:
    store = build_demo_store(schemas=12, resources=40)
    assert {r.schema_id for r in store.resources.values()} == set(store.schemas)


@pytest.mark.parametrize(("spec", "low", "high"), [(3, 3, 3), ((0, 2), 0, 2), ((2, 5), 2, 5)])
def test_values_per_resource(spec: int | tuple[int, int], low: int, high: int) -> None:
    store = build_demo_store(values_per_resource=spec)
    counts = Counter(v.resource_id for v in store.values.values())
    per_resource = [counts[r] for r in store.resources]
    assert low <= min(per_resource)
    assert max(per_resource) <= high


def test_values_belong_to_their_resource_owner() -> None:
    store = build_demo_store()
    for value in store.values.values():
        assert value.attachable_id == store.resources[value.resource_id].attachable_id


def test_large_and_huge_ids() -> None:
    store = build_demo_store(schemas=1, resources=300, values_per_resource=0, id_start=2**60)
    assert len(store.resources) == 300
    assert min(store.schemas) == 2**60
    assert all(r.attachable_id > 2**60 for r in store.resources.values())


def test_more_schemas_than_names_stay_distinct() -> None:
    names = [s.name for s in build_demo_store(schemas=30, resources=0).schemas.values()]
    assert len(set(names)) == 30


# Columns, cells and employees


def test_the_default_demo_has_every_field_type_and_each_schema_its_columns() -> None:
    store = build_demo_store()
    assert {f.field_type for f in store.fields.values()} == set(FIELD_TYPES)
    for schema_id in store.schemas:
        columns = [store.fields[f] for f in store.schema_field_ids(schema_id)]
        assert len(columns) >= 5
        assert [c.position for c in columns] == list(range(1, len(columns) + 1))
        assert any(c.required for c in columns)
    laptops = [store.fields[f] for f in store.schema_field_ids(min(store.schemas))]
    assert {c.field_type for c in laptops} == set(FIELD_TYPES)
    for field in store.fields.values():
        options = store.field_options(field.id)
        assert bool(options) == (field.field_type in ("single_choice", "multiple_choice"))
        if field.field_type == "rating":
            assert field.min_value is not None and field.max_value is not None


def test_rows_get_valid_cells_for_most_columns() -> None:
    store = build_demo_store()
    row_cells = [c for c in store.cells if c.valuable_type == "CustomResources::Value"]
    expected = 0
    for value in store.values.values():
        schema_id = store.resources[value.resource_id].schema_id
        columns = store.schema_field_ids(schema_id)
        expected += len(columns)
        mine = [c for c in row_cells if c.valuable_id == value.id]
        assert {c.field_id for c in mine} <= set(columns)
        assert len({c.field_id for c in mine}) == len(mine), "one cell per column"
        required = {f for f in columns if store.fields[f].required}
        assert required <= {c.field_id for c in mine}
    assert 0.7 * expected < len(row_cells) < 0.95 * expected  # some are left empty
    for cell in store.cells:
        field = store.fields[cell.field_id]
        assert check_cell_value(field, store.field_options(field.id), cell.value) is None
    assert [c.id for c in store.cells] == sorted(c.id for c in store.cells)


def test_every_employee_owner_has_an_employee_record() -> None:
    store = build_demo_store(resources=120, id_start=2**60)
    owners = {r.attachable_id for r in store.resources.values() if r.attachable_type == "Employee"}
    assert owners <= set(store.employees)
    people = list(store.employees.values())
    assert len({p.email for p in people}) == len(people)
    assert all(p.email and p.email.endswith("@example.com") for p in people)
    assert len({p.full_name for p in people}) > len(people) // 2
    managers = {p.manager_id for p in people if p.manager_id is not None}
    assert managers <= set(store.employees)
    assert sum(p.manager_id is None for p in people) == 1
    today = datetime.date(2026, 1, 1)
    assert 0 < sum(not p.is_active(today) for p in people) < len(people) // 10
    teams = {r.attachable_id for r in store.resources.values() if r.attachable_type == "Team"}
    assert teams <= {t for p in people for t in p.team_ids}
    assert min(p.access_id for p in people) > 2**60


def test_employees_have_profile_cells_too() -> None:
    store = build_demo_store()
    own = [c for c in store.cells if c.valuable_type == "Employee"]
    assert {c.valuable_id for c in own} <= set(store.employees)
    assert len(own) > len(store.employees) // 2
    shirt = store.fields[own[0].field_id]
    assert shirt.label_text == "T-shirt size"
    assert not any(rf.field_id == shirt.id for rf in store.resource_fields.values())


def test_columns_come_after_the_rows_so_their_ids_stay_put() -> None:
    store = build_demo_store()
    last_row = max([*store.schemas, *store.resources, *store.values])
    assert min([*store.fields, *store.resource_fields, *(c.id for c in store.cells)]) > last_row


def test_themes_repeat_for_extra_schemas() -> None:
    store = build_demo_store(schemas=13, resources=13)
    first, thirteenth = sorted(store.schemas)[0], sorted(store.schemas)[12]
    assert store.schemas[thirteenth].name == "Laptops 2"
    labels = [
        [store.fields[f].label_text for f in store.schema_field_ids(s)] for s in (first, thirteenth)
    ]
    assert labels[0] == labels[1]
