"""Rendering employees as the official SDK's `EmployeesEmployee` (every required member)."""

from __future__ import annotations

import datetime

from .records import ApiVersion, Record, render_id
from .rows import EmployeeRow

# Optional text members, rendered when set, in the SDK's order.
_OPTIONAL_TEXT = (
    "preferred_name",
    "email",
    "nationality",
    "city",
    "country",
    "phone_number",
    "company_identifier",
)


def render_employee(row: EmployeeRow, version: ApiVersion, today: datetime.date) -> Record:
    """An employee record; `active` and `is_terminating` are as of `today`."""
    record: Record = {
        "id": render_id(row.id, version),
        "access_id": render_id(row.access_id, version),
        "first_name": row.first_name,
        "last_name": row.last_name,
        "full_name": row.full_name,
        "company_id": render_id(row.company_id, version),
        "location_id": render_id(row.location_id, version),
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "is_terminating": row.terminated_on is not None and row.terminated_on > today,
        "attendable": row.attendable,
        "active": row.is_active(today),
    }
    for name in _OPTIONAL_TEXT:
        text = getattr(row, name)
        if text is not None:
            record[name] = text
    if row.email is not None:
        record["login_email"] = row.email
    if row.birthday_on is not None:
        record["birthday_on"] = row.birthday_on.isoformat()
    if row.legal_entity_id is not None:
        record["legal_entity_id"] = render_id(row.legal_entity_id, version)
    if row.manager_id is not None:
        record["manager_id"] = render_id(row.manager_id, version)
        record["timeoff_manager_id"] = render_id(row.manager_id, version)
    if row.terminated_on is not None:
        record["terminated_on"] = row.terminated_on.isoformat()
    return record
