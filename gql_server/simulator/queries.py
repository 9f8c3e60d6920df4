"""The list filters of the spec: `ids[]` on every collection, `employee_ids[]` on two."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from .records import parse_id
from .rows import ResourceRow, SchemaRow, ValueRow
from .store import EMPLOYEE, SimulatorStore


class MultiParams(Protocol):
    """A query-string multidict (Starlette's QueryParams)."""

    def getlist(self, key: str) -> list[str]: ...


T = TypeVar("T")


def id_filter(params: MultiParams, key: str) -> frozenset[int] | None:
    """The ids given as repeated `key` params; None when absent. Non-numeric ids match nothing."""
    raw = params.getlist(key)
    if not raw:
        return None
    return frozenset(i for i in map(parse_id, raw) if i is not None)


def _select(rows: Iterable[T], *tests: Callable[[T], bool]) -> list[T]:
    return [row for row in rows if all(test(row) for test in tests)]


def select_schemas(store: SimulatorStore, params: MultiParams) -> Sequence[SchemaRow]:
    """Schemas matching `ids[]`, ascending by id."""
    ids = id_filter(params, "ids[]")
    tests: list[Callable[[SchemaRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    return sorted(_select(store.schemas.values(), *tests), key=lambda row: row.id)


def select_resources(store: SimulatorStore, params: MultiParams) -> Sequence[ResourceRow]:
    """Resources matching `ids[]` and `employee_ids[]` (employee owners only), ascending by id."""
    ids = id_filter(params, "ids[]")
    employees = id_filter(params, "employee_ids[]")
    tests: list[Callable[[ResourceRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    if employees is not None:
        tests.append(lambda row: row.attachable_type == EMPLOYEE and row.attachable_id in employees)
    return sorted(_select(store.resources.values(), *tests), key=lambda row: row.id)


def select_values(store: SimulatorStore, params: MultiParams) -> Sequence[ValueRow]:
    """Values matching `ids[]` and `employee_ids[]` (by the value's owner), ascending by id."""
    ids = id_filter(params, "ids[]")
    employees = id_filter(params, "employee_ids[]")
    tests: list[Callable[[ValueRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    if employees is not None:
        tests.append(lambda row: row.attachable_id in employees)
    return sorted(_select(store.values.values(), *tests), key=lambda row: row.id)
