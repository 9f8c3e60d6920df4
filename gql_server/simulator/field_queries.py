"""The custom fields list filters, exactly those the official SDK sends; rows in id order.

| list | filters |
|---|---|
| fields | `ids[]`, `field_type`, `label`, `slug`, `company_id` |
| options | `ids[]`, `field_ids[]` |
| resource_fields | `ids[]`, `field_ids[]`, `schema_ids[]` |
| values (cells) | `ids[]`, `employee_ids[]`, `identifiers[]`, `instance_id`, `value`, `slug`, |
| | `field_id`, `updated_at_gteq` |

`instance_id` is one id and matches `valuable_id` whatever the `valuable_type` (an employee
and a table row may share an id). `employee_ids[]` matches an employee's own cells and the cells
of table rows whose resource belongs to that employee.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .queries import MultiParams, id_filter, select, since_param, single_id, text_param
from .rows import EMPLOYEE, VALUE_VALUABLE_TYPE, CellRow, FieldRow, OptionRow, ResourceFieldRow
from .store import SimulatorStore


def select_fields(store: SimulatorStore, params: MultiParams) -> Sequence[FieldRow]:
    """Fields matching `ids[]`, `field_type`, `label` (exact), `slug` and `company_id`."""
    ids = id_filter(params, "ids[]")
    field_type = text_param(params, "field_type")
    label = text_param(params, "label")
    slug = text_param(params, "slug")
    company_id = single_id(params, "company_id")
    tests: list[Callable[[FieldRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    if field_type is not None:
        tests.append(lambda row: row.field_type == field_type)
    if label is not None:
        tests.append(lambda row: row.label_text == label)
    if slug is not None:
        tests.append(lambda row: row.slug == slug)
    if company_id is not None:
        tests.append(lambda row: row.company_id == company_id)
    return sorted(select(store.fields.values(), *tests), key=lambda row: row.id)


def select_options(store: SimulatorStore, params: MultiParams) -> Sequence[OptionRow]:
    """Options matching `ids[]` and `field_ids[]`."""
    ids = id_filter(params, "ids[]")
    field_ids = id_filter(params, "field_ids[]")
    tests: list[Callable[[OptionRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    if field_ids is not None:
        tests.append(lambda row: row.field_id in field_ids)
    return sorted(select(store.options.values(), *tests), key=lambda row: row.id)


def select_resource_fields(
    store: SimulatorStore, params: MultiParams
) -> Sequence[ResourceFieldRow]:
    """Columns matching `ids[]`, `field_ids[]` and `schema_ids[]` (several schemas at once)."""
    ids = id_filter(params, "ids[]")
    field_ids = id_filter(params, "field_ids[]")
    schema_ids = id_filter(params, "schema_ids[]")
    tests: list[Callable[[ResourceFieldRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    if field_ids is not None:
        tests.append(lambda row: row.field_id in field_ids)
    if schema_ids is not None:
        tests.append(lambda row: row.schema_id in schema_ids)
    return sorted(select(store.resource_fields.values(), *tests), key=lambda row: row.id)


def cell_employee(store: SimulatorStore, cell: CellRow) -> int | None:
    """The employee a cell is about: its valuable, or the owner of its table row."""
    if cell.valuable_type == EMPLOYEE:
        return cell.valuable_id
    if cell.valuable_type != VALUE_VALUABLE_TYPE:
        return None
    row = store.values.get(cell.valuable_id)
    resource = store.resources.get(row.resource_id) if row is not None else None
    if resource is None or resource.attachable_type != EMPLOYEE:
        return None
    return resource.attachable_id


def select_cells(store: SimulatorStore, params: MultiParams) -> Sequence[CellRow]:
    """Cells matching every filter of the SDK (see the module docstring).

    Raises QueryError for an `updated_at_gteq` that is not ISO 8601.
    """
    ids = id_filter(params, "ids[]")
    employees = id_filter(params, "employee_ids[]")
    identifiers = params.getlist("identifiers[]") or None
    instance_id = single_id(params, "instance_id")
    value = params.get("value")
    slug = text_param(params, "slug")
    field_id = single_id(params, "field_id")
    since = since_param(params, "updated_at_gteq")
    tests: list[Callable[[CellRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    if employees is not None:
        tests.append(lambda row: cell_employee(store, row) in employees)
    if identifiers is not None:
        wanted = {f.id for f in store.fields.values() if f.identifier in identifiers}
        tests.append(lambda row: row.field_id in wanted)
    if instance_id is not None:
        tests.append(lambda row: row.valuable_id == instance_id)
    if value is not None:
        tests.append(lambda row: row.value == value)
    if slug is not None:
        slugged = {f.id for f in store.fields.values() if f.slug == slug}
        tests.append(lambda row: row.field_id in slugged)
    if field_id is not None:
        tests.append(lambda row: row.field_id == field_id)
    if since is not None:
        tests.append(lambda row: row.updated_at >= since)
    return select(store.cells, *tests)  # the list is in id order already
