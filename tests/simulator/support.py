"""Shared test data for the simulator tests: paths, constants and a small known store."""

from __future__ import annotations

import datetime

from gql_server.simulator import SimulatorStore

OLD = "2026-04-01"  # integer ids
NEW = "2026-10-01"  # string ids
API_KEY = "test-key"
BASE_URL = "http://factorial.test"


def url(collection: str, record_id: object = None, *, version: str = NEW) -> str:
    """The path of a custom resources collection, or of one record in it."""
    path = f"/api/{version}/resources/custom_resources/{collection}"
    return path if record_id is None else f"{path}/{record_id}"


def small_store(id_start: int = 1) -> SimulatorStore:
    """Two schemas; employee 42 has two resources, employee 7 one, team 3 one.

    Ids (id_start=1): schemas 1, 2; resources 3 (Laptops, emp 42), 4 (Certifications, emp 42),
    5 (Laptops, emp 7), 6 (Laptops, Team 3); values 7, 8 (of 3), 9 (of 4), 10 (of 5), 11 (of 6).
    """
    store = SimulatorStore(id_start=id_start, company_id=9)
    laptops = store.add_schema(name="Laptops", hidden=False, position=1)
    certs = store.add_schema(name="Certifications", hidden=True)
    r1 = store.add_resource(schema_id=laptops.id, attachable_type="Employee", attachable_id=42)
    r2 = store.add_resource(schema_id=certs.id, attachable_type="Employee", attachable_id=42)
    r3 = store.add_resource(schema_id=laptops.id, attachable_type="Employee", attachable_id=7)
    r4 = store.add_resource(schema_id=laptops.id, attachable_type="Team", attachable_id=3)
    for resource in (r1, r1, r2, r3, r4):
        store.add_value(resource_id=resource.id)
    # With ids of their own, so the ids above stay as documented.
    for employee in (42, 7):
        if employee not in store.employees:
            store.add_employee(
                id=employee + id_start - 1,
                access_id=employee + id_start - 1,
                first_name="Employee",
                last_name=str(employee),
            )
    return store


def api_url(collection: str, record_id: object = None, *, version: str = NEW) -> str:
    """The path of any simulated collection (`custom_fields/values`), or of one record in it."""
    path = f"/api/{version}/resources/{collection}"
    return path if record_id is None else f"{path}/{record_id}"


def at(text: str) -> datetime.datetime:
    """A UTC timestamp from `YYYY-MM-DDTHH:MM`."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def table_store(id_start: int = 1) -> SimulatorStore:
    """small_store plus columns, cells and employees. Ids with id_start=1 (add id_start - 1):

    fields 12 Model (text, required), 13 OS (single_choice: options 14 macOS, 15 Windows and
    16 Linux, inactive), 17 Price (money), 18 Issued on (date), 19 T-shirt size (an employee
    profile field: options 20 S, 21 M); columns 22-24 (Laptops: 12, 13, 17), 25
    (Certifications: 18); cells 26 Model, 27 OS, 28 Price of row 7; 29 Model of row 8; 30
    Issued on of row 9; 31 Model of row 10 (emp 7); 32 Model of row 11 (team 3); 33 and 34
    T-shirt sizes of employees 42 and 7. Employees 42 (Ana García, manages 7 and 99), 7 (Marc
    Puig) and 99 (Laura Martín, left in 2024, owns nothing), with access ids 35, 36, 37.
    """
    store = small_store(id_start)
    n = id_start - 1
    laptops, certs = n + 1, n + 2
    model = store.add_field(label="Model", field_type="text", position=1, required=True)
    system = store.add_field(
        label="OS", field_type="single_choice", position=2, options=("macOS", "Windows")
    )
    store.add_option(field_id=system.id, label="Linux", is_active=False)
    price = store.add_field(label="Price", field_type="money", position=3)
    issued = store.add_field(label="Issued on", field_type="date", position=1)
    shirt = store.add_field(label="T-shirt size", field_type="single_choice", options=("S", "M"))
    for schema_id, field in (
        (laptops, model),
        (laptops, system),
        (laptops, price),
        (certs, issued),
    ):
        store.add_resource_field(schema_id=schema_id, field_id=field.id)
    cells = [
        (n + 7, model, "MacBook Pro", "2025-01-10T10:00"),
        (n + 7, system, "macos", "2025-01-10T10:00"),
        (n + 7, price, "129900", "2025-01-10T10:00"),
        (n + 8, model, "Dell XPS", "2025-01-10T10:00"),
        (n + 9, issued, "2024-05-01", "2025-01-10T10:00"),
        (n + 10, model, "ThinkPad", "2025-03-01T12:00"),
        (n + 11, model, "Meeting room laptop", "2025-02-01T00:00"),
    ]
    for row_id, field, value, when in cells:
        store.add_cell(value_id=row_id, field_id=field.id, value=value, updated_at=at(when))
    for employee_id, size in ((42, "m"), (7, "s")):
        store.add_cell(
            value_id=employee_id,
            field_id=shirt.id,
            value=size,
            valuable_type="Employee",
            updated_at=at("2025-01-05T08:00"),
        )
    people = [
        (42, "Ana", "García", None, None, (3,), "2025-01-01T10:00"),
        (7, "Marc", "Puig", 42, None, (3, 4), "2025-06-01T09:00"),
        (99, "Laura", "Martín", 42, datetime.date(2024, 3, 31), (4,), "2024-04-01T09:00"),
    ]
    for employee_id, first, last, manager, left, teams, updated in people:
        store.add_employee(
            id=employee_id,
            first_name=first,
            last_name=last,
            location_id=n + 500 + (employee_id == 99),
            created_at=at("2020-02-03T09:00"),
            updated_at=at(updated),
            email=f"{first.lower()}@example.com",
            legal_entity_id=n + 600,
            manager_id=manager,
            terminated_on=left,
            company_identifier=f"E{employee_id}",
            team_ids=teams,
        )
    return store
