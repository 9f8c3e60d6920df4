"""Rendering custom fields rows (fields, options, columns, cells) as the official SDK reads them.

Members the SDK marks optional are left out when the row has nothing for them, as for schemas.
"""

from __future__ import annotations

from collections.abc import Mapping

from .field_types import typed_members
from .records import ApiVersion, Record, render_id
from .rows import CellRow, FieldRow, OptionRow, ResourceFieldRow, field_identifier


def render_field(row: FieldRow, version: ApiVersion) -> Record:
    """A field record: `id`, `field_type`, `label_text`, `required`, `slug`, optional rest."""
    record: Record = {
        "id": render_id(row.id, version),
        "field_type": row.field_type,
        "label_text": row.label_text,
    }
    if row.position is not None:
        record["position"] = row.position
    record["required"] = row.required
    if row.min_value is not None:
        record["min_value"] = row.min_value
    if row.max_value is not None:
        record["max_value"] = row.max_value
    if row.legal_entity_name is not None:
        record["legal_entity_name"] = row.legal_entity_name
    if row.legal_entity_id is not None:
        record["legal_entity_id"] = render_id(row.legal_entity_id, version)
    record["slug"] = row.slug
    return record


def render_option(row: OptionRow, version: ApiVersion) -> Record:
    """An option record: `id`, `label`, `value`, `is_active`, `field_id`."""
    return {
        "id": render_id(row.id, version),
        "label": row.label,
        "value": row.value,
        "is_active": row.is_active,
        "field_id": render_id(row.field_id, version),
    }


def render_resource_field(row: ResourceFieldRow, version: ApiVersion) -> Record:
    """A column record: only `id` and `field_id`, as the SDK has it (no `schema_id`)."""
    return {"id": render_id(row.id, version), "field_id": render_id(row.field_id, version)}


def render_cell(
    row: CellRow, version: ApiVersion, field: FieldRow | None, options: Mapping[str, OptionRow]
) -> Record:
    """A value record; `field` (None for a cell of an unknown field) gives label and type.

    `options` maps the field's option values to options, for `single_choice_value`.
    """
    record: Record = {
        "id": render_id(row.id, version),
        "custom_field_identifier": (
            field.identifier if field is not None else field_identifier(row.field_id)
        ),
        "valuable_id": render_id(row.valuable_id, version),
        "field_id": render_id(row.field_id, version),
        "valuable_type": row.valuable_type,
        "value": row.value,
    }
    record.update(typed_members(field, options, row.value))
    if field is not None:
        record["label"] = field.label_text
        record["required"] = field.required
    record["updated_at"] = row.updated_at.isoformat()
    return record
