"""Shared test data for the simulator tests: paths, constants and a small known store."""

from __future__ import annotations

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
    return store
