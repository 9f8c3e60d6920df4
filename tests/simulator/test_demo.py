"""build_demo_store: deterministic, realistic, any size."""

from __future__ import annotations

import datetime
import unicodedata
from collections import Counter

import pytest

from gql_server.simulator import SimulatorStore, build_demo_store
from gql_server.simulator.field_types import FIELD_TYPES, check_cell_value


def ascii_name(name: str) -> str:
    """A name as the demo writes it in an e-mail address: no accents, no spaces, lower case."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "")


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


def rows_of(store: SimulatorStore, schema_name: str) -> list[dict[str, str]]:
    """The rows of the demo schema `schema_name`, as {column label: stored text}."""
    [schema_id] = [s.id for s in store.schemas.values() if s.name == schema_name]
    rows: dict[int, dict[str, str]] = {
        v.id: {}
        for v in store.values.values()
        if store.resources[v.resource_id].schema_id == schema_id
    }
    for cell in store.cells:
        if cell.valuable_type == "CustomResources::Value" and cell.valuable_id in rows:
            rows[cell.valuable_id][store.fields[cell.field_id].label_text] = cell.value
    return list(rows.values())


def test_employees_e_mail_addresses_are_their_names() -> None:
    store = build_demo_store(resources=120)
    for person in store.employees.values():
        local = person.email.split("@")[0] if person.email else ""
        expected = f"{ascii_name(person.first_name)}.{ascii_name(person.last_name)}"
        assert local.rstrip("0123456789") == expected, (person.full_name, person.email)


def test_a_contacts_e_mail_and_phone_are_that_contacts() -> None:
    store = build_demo_store(resources=120)
    rows = rows_of(store, "Emergency contacts")
    assert len(rows) >= 10
    prefixes = {
        "Laura Martín": "+34",
        "Jordi Puig": "+34",
        "Anna Schmidt": "+49",
        "Tom Baker": "+44",
    }
    for row in rows:
        first, last = row["Name"].split()
        assert row["Phone"].startswith(prefixes[row["Name"]]), row
        if "Email" in row:
            assert row["Email"].startswith(f"{ascii_name(first)}.{ascii_name(last)}@"), row


def test_a_laptops_system_and_serial_number_fit_its_model() -> None:
    rows = rows_of(build_demo_store(resources=120), "Laptops")
    systems = {"MacBook Pro 14": "macos", "Dell Latitude 7440": "windows"}
    serials = {"MacBook Pro 14": "C02", "Lenovo ThinkPad X1": "PF-"}
    assert {row["Model"] for row in rows} == {*systems, *serials}
    for row in rows:
        if "Operating system" in row:
            assert row["Operating system"] == systems.get(row["Model"], "linux"), row
        if row["Model"] in serials:
            assert row["Serial number"].startswith(serials[row["Model"]]), row


def test_money_and_cents_columns_hold_amounts_of_money() -> None:
    store = build_demo_store(schemas=12, resources=60)
    amounts = {f.label_text for f in store.fields.values() if f.field_type in ("money", "cents")}
    assert {f.label_text for f in store.fields.values() if f.field_type == "cents"} == {
        "Insurance excess",
        "Fuel card limit",
        "Travel expenses",
    }
    assert amounts <= {
        "Purchase price", "Insurance excess", "Cost", "Monthly fee", "Fuel card limit",
        "Travel expenses", "Monthly cost", "Deposit", "Annual fee",
    }  # fmt: skip
