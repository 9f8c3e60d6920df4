"""The employees list filters the official SDK sends; rows in id order.

`ids[]`, `access_ids[]`, `emails[]`, `legal_entity_ids[]`, `team_ids[]`, `location_ids[]`,
`company_identifier`, `full_text_name` (every word in the full name), `name_starts_with` (the
first or last name or full name starts so), `updated_at_gteq` (the date only), and the flags
`only_active` and `only_managers`, which act only when true (the SDK always sends both).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from .queries import MultiParams, flag_param, id_filter, select, since_param, text_param
from .rows import EmployeeRow
from .store import SimulatorStore

IdMember = Callable[[EmployeeRow], int | None]
_ID_FILTERS: tuple[tuple[str, IdMember], ...] = (
    ("ids[]", lambda row: row.id),
    ("access_ids[]", lambda row: row.access_id),
    ("legal_entity_ids[]", lambda row: row.legal_entity_id),
    ("location_ids[]", lambda row: row.location_id),
)


def _member_in(member: IdMember, wanted: frozenset[int]) -> Callable[[EmployeeRow], bool]:
    return lambda row: member(row) in wanted


def _names(row: EmployeeRow) -> list[str]:
    return [n.casefold() for n in (row.first_name, row.last_name, row.full_name)]


def select_employees(
    store: SimulatorStore, params: MultiParams, today: datetime.date
) -> Sequence[EmployeeRow]:
    """Employees matching every filter; `only_active` is as of `today`.

    Raises QueryError for an `updated_at_gteq` that is not ISO 8601.
    """
    tests: list[Callable[[EmployeeRow], bool]] = []
    for key, member in _ID_FILTERS:
        wanted = id_filter(params, key)
        if wanted is not None:
            tests.append(_member_in(member, wanted))
    teams = id_filter(params, "team_ids[]")
    if teams is not None:
        tests.append(lambda row: not teams.isdisjoint(row.team_ids))
    emails = {e.strip().casefold() for e in params.getlist("emails[]")} or None
    if emails is not None:
        tests.append(lambda row: (row.email or "").casefold() in emails)
    identifier = text_param(params, "company_identifier")
    if identifier is not None:
        tests.append(lambda row: row.company_identifier == identifier)
    words = (text_param(params, "full_text_name") or "").casefold().split()
    if words:
        tests.append(lambda row: all(w in row.full_name.casefold() for w in words))
    prefix = (text_param(params, "name_starts_with") or "").strip().casefold()
    if prefix:
        tests.append(lambda row: any(n.startswith(prefix) for n in _names(row)))
    since = since_param(params, "updated_at_gteq")
    if since is not None:
        tests.append(lambda row: row.updated_at.date() >= since.date())
    if flag_param(params, "only_active"):
        tests.append(lambda row: row.is_active(today))
    if flag_param(params, "only_managers"):
        managers = {e.manager_id for e in store.employees.values()}
        tests.append(lambda row: row.id in managers)
    return sorted(select(store.employees.values(), *tests), key=lambda row: row.id)
