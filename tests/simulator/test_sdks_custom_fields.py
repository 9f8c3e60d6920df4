"""Both Factorial SDKs read the columns, cells and employees of the simulator on a real port.

The official `factorial-api-client` (2026-10-01, string ids) reads and writes everything.
The community `factorialhr` 7.0.0 (2026-04-01, integer ids) lists everything, but its models
differ from Factorial's on two points the last tests pin down: it types a cell's `value` as a
boolean, and it reads a custom fields record from a `data` envelope on GET-by-id and writes.
"""

from __future__ import annotations

from collections.abc import Iterator

import factorialhr
import pydantic
import pytest
from factorial_api_client import FactorialClient  # type: ignore[import-untyped]
from factorial_api_client.generated.models import (  # type: ignore[import-untyped]
    CustomFieldsFieldFieldType,
    PostApi20261001ResourcesCustomFieldsOptionsBody,
    PostApi20261001ResourcesCustomFieldsResourceFieldsBody,
    PostApi20261001ResourcesCustomFieldsResourceFieldsBodyEditable,
    PostApi20261001ResourcesCustomFieldsResourceFieldsBodyFieldType,
    PostApi20261001ResourcesCustomFieldsResourceFieldsBodyVisible,
    PostApi20261001ResourcesCustomFieldsValuesBody,
    PutApi20261001ResourcesCustomFieldsValuesIdBody,
)

from gql_server.simulator import Simulator, SimulatorStore, build_demo_store
from tests.live_server import serve

KEY = "sdk-key"
HUGE = 18_000_000_000_000_001


@pytest.fixture(scope="module")
def store() -> SimulatorStore:
    """Read-only for the tests that share it (writes make their own store)."""
    return build_demo_store(schemas=4, resources=90, id_start=HUGE)


@pytest.fixture
def sim(store: SimulatorStore) -> Simulator:
    return Simulator(store, api_keys={KEY})


@pytest.fixture
def base_url(sim: Simulator) -> Iterator[str]:
    with serve(sim.app) as url:
        yield url


@pytest.fixture
def official(base_url: str) -> Iterator[FactorialClient]:
    client = FactorialClient(api_key=KEY, base_url=base_url)
    yield client
    client._client.get_httpx_client().close()


def first_row_with_cells(store: SimulatorStore) -> int:
    return next(c.valuable_id for c in store.cells if c.valuable_type == "CustomResources::Value")


# factorial-api-client (2026-10-01)


def test_official_reads_the_columns_of_several_schemas(
    official: FactorialClient, store: SimulatorStore, sim: Simulator
) -> None:
    schema_ids = sorted(store.schemas)[:2]
    columns = official.custom_fields.resource_fields.all(schema_ids=[str(s) for s in schema_ids])
    expected = [rf for rf in store.resource_fields.values() if rf.schema_id in schema_ids]
    assert [(c.id, c.field_id) for c in columns] == [(str(r.id), str(r.field_id)) for r in expected]
    fields = official.custom_fields.fields.list(ids=[c.field_id for c in columns]).data
    assert [f.id for f in fields] == [c.field_id for c in columns]
    types = {f.field_type for f in fields}
    assert types == set(CustomFieldsFieldFieldType)  # Laptops and Certifications
    rating = next(f for f in fields if f.field_type == CustomFieldsFieldFieldType.RATING)
    assert (rating.min_value, rating.max_value) == (1, 5)
    choice = next(f for f in fields if f.field_type == CustomFieldsFieldFieldType.SINGLE_CHOICE)
    options = official.custom_fields.options.list(field_ids=[choice.id]).data
    assert [o.value for o in options] == [o.value for o in store.field_options(int(choice.id))]
    assert all(o.field_id == choice.id and o.is_active for o in options)
    one = official.custom_fields.fields.get(choice.id)
    assert (one.label_text, one.slug) == (choice.label_text, choice.slug)
    assert official.custom_fields.resource_fields.get(columns[0].id).field_id == columns[0].field_id
    assert sim.calls["GET custom_fields/resource_fields"] == 1


def test_official_reads_the_cells_of_a_row(
    official: FactorialClient, store: SimulatorStore
) -> None:
    row_id = first_row_with_cells(store)
    cells = official.custom_fields.values.all(instance_id=str(row_id))
    expected = [c for c in store.cells if c.valuable_id == row_id]
    assert [(c.id, c.field_id, c.value) for c in cells] == [
        (str(e.id), str(e.field_id), e.value) for e in expected
    ]
    assert {c.valuable_type for c in cells} == {"CustomResources::Value"}
    by_type = {store.fields[int(c.field_id)].field_type: c for c in cells}
    if "money" in by_type:
        assert by_type["money"].cents_value == int(by_type["money"].value)
    if "single_choice" in by_type:
        assert isinstance(by_type["single_choice"].single_choice_value, str)
    one = official.custom_fields.values.get(cells[0].id)
    assert (one.custom_field_identifier, one.label) == (
        store.fields[int(cells[0].field_id)].identifier,
        store.fields[int(cells[0].field_id)].label_text,
    )


def test_official_pages_through_every_cell(
    official: FactorialClient, store: SimulatorStore, sim: Simulator
) -> None:
    cells = official.custom_fields.values.all(limit=100)
    assert [c.id for c in cells] == [str(c.id) for c in store.cells]
    assert sim.calls["GET custom_fields/values"] == -(-len(store.cells) // 100)
    owner = next(
        r.attachable_id for r in store.resources.values() if r.attachable_type == "Employee"
    )
    mine = official.custom_fields.values.all(
        employee_ids=[str(owner)], updated_at_gteq="2019-01-01"
    )
    assert mine
    assert {c.valuable_type for c in mine} <= {"CustomResources::Value", "Employee"}


def test_official_reads_employees(official: FactorialClient, store: SimulatorStore) -> None:
    owners = sorted(
        {r.attachable_id for r in store.resources.values() if r.attachable_type == "Employee"}
    )[:3]
    people = official.employees.employees.list(ids=[str(o) for o in owners]).data
    assert [p.id for p in people] == [str(o) for o in owners]
    first = store.employees[owners[0]]
    assert (people[0].full_name, people[0].email) == (first.full_name, first.email)
    assert people[0].company_id == "1"
    assert isinstance(people[0].is_terminating, bool)
    active = official.employees.employees.all(only_active=True, only_managers=False)
    assert 0 < len(active) < len(store.employees)
    assert (
        official.employees.employees.get(str(owners[1])).last_name
        == store.employees[owners[1]].last_name
    )


def test_official_writes_a_column_an_option_and_cells() -> None:
    store = build_demo_store(schemas=2, resources=4, id_start=HUGE)
    sim = Simulator(store, api_keys={KEY})
    schema_id = str(min(store.schemas))
    row_id = str(
        next(
            v
            for v in store.values
            if store.resources[store.values[v].resource_id].schema_id == int(schema_id)
        )
    )
    with serve(sim.app) as url:
        client = FactorialClient(api_key=KEY, base_url=url)
        cf = client.custom_fields
        column = cf.resource_fields.create(
            body=PostApi20261001ResourcesCustomFieldsResourceFieldsBody(
                schema_id=schema_id,
                company_id="1",
                field_type=PostApi20261001ResourcesCustomFieldsResourceFieldsBodyFieldType.SINGLE_CHOICE,
                required=False,
                editable=PostApi20261001ResourcesCustomFieldsResourceFieldsBodyEditable.EVERYBODY,
                visible=PostApi20261001ResourcesCustomFieldsResourceFieldsBodyVisible.EVERYBODY,
                label="Keyboard layout",
                options=["Spanish", "UK"],
            )
        )
        option = cf.options.create(
            body=PostApi20261001ResourcesCustomFieldsOptionsBody(
                label="US", field_id=column.field_id
            )
        )
        created = cf.values.create(
            body=PostApi20261001ResourcesCustomFieldsValuesBody(
                field_id=column.field_id,
                valuable_type="CustomResources::Value",
                valuable_id=row_id,
                value="spanish",
            )
        )
        updated = cf.values.update(
            created.id, body=PutApi20261001ResourcesCustomFieldsValuesIdBody(value=option.value)
        )
        read_back = cf.values.get(created.id)
        row_cells = cf.values.all(instance_id=row_id, field_id=column.field_id)
        client._client.get_httpx_client().close()
    assert int(column.id) > HUGE and int(column.field_id) > HUGE
    assert store.schema_field_ids(int(schema_id))[-1] == int(column.field_id)
    assert (option.label, option.value, option.is_active) == ("US", "us", True)
    assert (created.value, created.single_choice_value) == ("spanish", "Spanish")
    assert (updated.value, updated.single_choice_value) == ("us", "US")
    assert (read_back.id, read_back.value, read_back.valuable_id) == (created.id, "us", row_id)
    assert [c.id for c in row_cells] == [created.id]
    assert sim.calls["POST custom_fields/values"] == 1
    assert sim.calls["PUT custom_fields/values/{id}"] == 1


# factorialhr 7.0.0 (2026-04-01)


def community(base_url: str) -> factorialhr.ApiClient:
    return factorialhr.ApiClient(base_url, auth=factorialhr.ApiKeyAuth(KEY))


async def test_community_lists_columns_options_and_employees(
    base_url: str, store: SimulatorStore
) -> None:
    schema_id = min(store.schemas)
    async with community(base_url) as api:
        columns = list(
            (
                await factorialhr.ResourceFieldsEndpoint(api).all(
                    params={"schema_ids[]": [schema_id]}
                )
            ).data()
        )
        fields = list(
            (
                await factorialhr.FieldsEndpoint(api).all(
                    params={"ids[]": [c.field_id for c in columns]}
                )
            ).data()
        )
        options = list((await factorialhr.OptionsEndpoint(api).all()).data())
        people = list((await factorialhr.EmployeesEndpoint(api).all()).data())
        one = await factorialhr.EmployeesEndpoint(api).get_by_id(people[0].id)
    assert [c.field_id for c in columns] == store.schema_field_ids(schema_id)
    assert columns[0].id > HUGE  # exact beyond 2**53
    assert {f.field_type.value for f in fields} == {
        store.fields[c.field_id].field_type for c in columns
    }
    assert [o.id for o in options] == sorted(store.options)
    assert [p.id for p in people] == sorted(store.employees)
    assert one.full_name == store.employees[people[0].id].full_name
    assert one.created_at.tzinfo is not None


async def test_community_reads_checkbox_cells_but_not_text_ones(
    base_url: str, store: SimulatorStore
) -> None:
    checkbox = next(f for f in store.fields.values() if f.field_type == "checkbox")
    text = next(f for f in store.fields.values() if f.field_type == "text")
    async with community(base_url) as api:
        ticks = (
            await factorialhr.CustomFieldsValuesEndpoint(api).all(params={"field_id": checkbox.id})
        ).data()
        texts = await factorialhr.CustomFieldsValuesEndpoint(api).all(params={"field_id": text.id})
    expected = [c for c in store.cells if c.field_id == checkbox.id]
    assert [(c.id, c.value) for c in ticks] == [(e.id, e.value == "true") for e in expected]
    with pytest.raises(pydantic.ValidationError):
        list(texts.data())  # the community SDK types `value` as a boolean


async def test_community_expects_an_envelope_on_custom_fields_get_by_id(
    base_url: str, store: SimulatorStore
) -> None:
    async with community(base_url) as api:
        with pytest.raises(KeyError, match="data"):
            await factorialhr.FieldsEndpoint(api).get_by_id(min(store.fields))
