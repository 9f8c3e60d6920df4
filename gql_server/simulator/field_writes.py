"""The custom fields writes the official SDK has: validation and the store change.

`POST fields`, `POST resource_fields` (a new field that is a column of a schema), `POST
options`, `POST values` (one new cell), `PUT values/{id}` (a cell's new value) and `DELETE
fields/{id}`. Ids are taken as JSON integers or digit strings on every version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .bodies import BodyReader, coerce_id
from .field_types import CHOICE_TYPES, FIELD_TYPES, PERMISSION_GROUPS, check_cell_value
from .rows import EMPLOYEE, VALUE_VALUABLE_TYPE, CellRow, FieldRow, OptionRow, ResourceFieldRow
from .store import SimulatorStore

VALUABLE_TYPES = ("Document", EMPLOYEE, "Contracts::ContractVersion", VALUE_VALUABLE_TYPE)


@dataclass(frozen=True, slots=True)
class _FieldSpec:
    label: str
    field_type: str
    company_id: int | None
    required: bool
    editable: str | None
    visible: str | None
    min_value: int | None
    max_value: int | None
    position: int | None
    options: list[str]


def _read_field(read: BodyReader, *, column: bool) -> _FieldSpec | None:
    """A field definition (a column's has more required members); None when it has errors."""
    company_id = read.id("company_id")
    field_type = read.choice("field_type", FIELD_TYPES, required=True)
    required = read.flag("required", required=column)
    editable = read.choice("editable", PERMISSION_GROUPS, required=column)
    visible = read.choice("visible", PERMISSION_GROUPS, required=column)
    # Optional in the SDK, but every field record has a label_text: refused when missing.
    label = read.text("label", blank=False)
    low, high = read.integer("min_value"), read.integer("max_value")
    if low is not None and high is not None and low > high:
        read.fail("max_value", "max_value must not be below min_value")
    position = read.integer("position")
    options = read.texts("options")
    if options and field_type not in CHOICE_TYPES:
        read.fail("options", "options only apply to choice fields")
    if read.errors or label is None or field_type is None:
        return None
    return _FieldSpec(
        label,
        field_type,
        company_id,
        required is True,
        editable,
        visible,
        low,
        high,
        position,
        options,
    )


def _add_field(store: SimulatorStore, spec: _FieldSpec) -> FieldRow:
    row = store.add_field(
        label=spec.label,
        field_type=spec.field_type,
        position=spec.position,
        required=spec.required,
        min_value=spec.min_value,
        max_value=spec.max_value,
        options=spec.options,
        company_id=spec.company_id,
    )
    row.editable = spec.editable or row.editable
    row.visible = spec.visible or row.visible
    return row


def create_field(store: SimulatorStore, body: Mapping[str, Any]) -> FieldRow:
    """`POST fields`: `company_id`, `field_type`, `label`; optionally the rest."""
    read = BodyReader(body)
    spec = _read_field(read, column=False)
    read.check()
    assert spec is not None
    return _add_field(store, spec)


def create_resource_field(store: SimulatorStore, body: Mapping[str, Any]) -> ResourceFieldRow:
    """`POST resource_fields`: a new field (all of `POST fields`' members, more of them
    required) that is a column of `schema_id`."""
    read = BodyReader(body)
    schema_id = read.id("schema_id")
    if schema_id is not None and schema_id not in store.schemas:
        read.fail("schema_id", "schema_id does not exist")
    spec = _read_field(read, column=True)
    read.check()
    assert schema_id is not None and spec is not None
    return store.add_resource_field(schema_id=schema_id, field_id=_add_field(store, spec).id)


def create_option(store: SimulatorStore, body: Mapping[str, Any]) -> OptionRow:
    """`POST options`: `label` and `field_id` (a choice field); `is_active` defaults to true."""
    read = BodyReader(body)
    label = read.text("label", blank=False)
    field_id = read.id("field_id")
    is_active = read.flag("is_active")
    field = store.fields.get(field_id) if field_id is not None else None
    if field_id is not None and field is None:
        read.fail("field_id", "field_id does not exist")
    elif field is not None and field.field_type not in CHOICE_TYPES:
        read.fail("field_id", "field_id is not a choice field")
    read.check()
    assert label is not None and field_id is not None
    return store.add_option(field_id=field_id, label=label, is_active=is_active is not False)


def _valuable_exists(store: SimulatorStore, kind: str, valuable_id: int) -> bool:
    if kind == VALUE_VALUABLE_TYPE:
        return valuable_id in store.values
    if kind == EMPLOYEE:
        return valuable_id in store.employees
    return True  # documents and contract versions are not simulated


def create_cell(store: SimulatorStore, body: Mapping[str, Any]) -> CellRow:
    """`POST values`: `field_id`, `valuable_type`, `valuable_id`, `value`, all required.

    The field must exist, the valuable too (table rows and employees are checked), a table
    row's field must be a column of its schema, the value must suit the field, and there must
    be no cell of that field on that valuable yet (change one with `PUT values/{id}`).
    """
    read = BodyReader(body)
    field_id = read.id("field_id")
    kind = read.choice("valuable_type", VALUABLE_TYPES, required=True)
    valuable_id = read.id("valuable_id")
    value = read.text("value")
    field = store.fields.get(field_id) if field_id is not None else None
    if field_id is not None and field is None:
        read.fail("field_id", "field_id does not exist")
    if kind is not None and valuable_id is not None:
        if not _valuable_exists(store, kind, valuable_id):
            read.fail("valuable_id", "valuable_id does not exist")
        elif field is not None and kind == VALUE_VALUABLE_TYPE:
            resource = store.resources[store.values[valuable_id].resource_id]
            if field.id not in store.schema_field_ids(resource.schema_id):
                read.fail("field_id", "field_id is not a column of this row's schema")
        if any(
            c.field_id == field_id and c.valuable_type == kind and c.valuable_id == valuable_id
            for c in store.cells
        ):
            read.fail("field_id", "field_id has already been taken for this valuable")
    if field is not None and value is not None:
        problem = check_cell_value(field, store.field_options(field.id), value)
        if problem is not None:
            read.fail("value", problem)
    read.check()
    assert field_id is not None and kind is not None
    assert valuable_id is not None and value is not None
    return store.add_cell(value_id=valuable_id, field_id=field_id, value=value, valuable_type=kind)


def update_cell(store: SimulatorStore, cell: CellRow, body: Mapping[str, Any]) -> CellRow:
    """`PUT values/{id}`: a new `value` (optional, as in the SDK); `id`, if sent, must match."""
    read = BodyReader(body)
    if read.present("id", required=False) and coerce_id(body["id"]) != cell.id:
        read.fail("id", "id does not match the value in the path")
    value = read.text("value", required=False)
    field = store.fields.get(cell.field_id)
    if field is not None and value is not None:
        problem = check_cell_value(field, store.field_options(field.id), value)
        if problem is not None:
            read.fail("value", problem)
    read.check()
    return cell if value is None else store.update_cell(cell, value)


def delete_field(store: SimulatorStore, row: FieldRow) -> FieldRow:
    """`DELETE fields/{id}`: the field goes, with its options, columns and cells."""
    return store.delete_field(row.id)
