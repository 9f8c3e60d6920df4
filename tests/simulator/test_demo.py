"""build_demo_store: deterministic, realistic, any size."""

from __future__ import annotations

from collections import Counter

import pytest

from gql_server.simulator import SimulatorStore, build_demo_store


def snapshot(store: SimulatorStore) -> tuple[object, ...]:
    return (
        list(store.schemas.values()),
        list(store.resources.values()),
        list(store.values.values()),
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
