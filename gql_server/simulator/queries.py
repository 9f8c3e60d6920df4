"""The custom resources list filters (`ids[]` everywhere, `employee_ids[]` on two) and the
parameter readers every collection's filters share."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from .records import parse_id
from .rows import ResourceRow, SchemaRow, ValueRow
from .store import EMPLOYEE, SimulatorStore


class MultiParams(Protocol):
    """A query-string multidict (Starlette's QueryParams)."""

    def getlist(self, key: str) -> list[str]: ...

    def get(self, key: str, /) -> str | None: ...


class QueryError(ValueError):
    """A known filter with a value it cannot take (answered with 400 naming `param`)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


T = TypeVar("T")


def id_filter(params: MultiParams, key: str) -> frozenset[int] | None:
    """The ids given as repeated `key` params; None when absent. Non-numeric ids match nothing."""
    raw = params.getlist(key)
    if not raw:
        return None
    return frozenset(i for i in map(parse_id, raw) if i is not None)


def text_param(params: MultiParams, key: str) -> str | None:
    """A single-valued param; None when absent or blank (blank filters are ignored)."""
    raw = params.get(key)
    return raw if raw is not None and raw.strip() else None


def single_id(params: MultiParams, key: str) -> int | None:
    """A single-valued id param; absent/blank is None, a non-numeric id -1 (matches nothing)."""
    raw = text_param(params, key)
    if raw is None:
        return None
    parsed = parse_id(raw)
    return -1 if parsed is None else parsed


def flag_param(params: MultiParams, key: str) -> bool:
    """A boolean param that only acts when true (`true` or `1`); anything else has no effect."""
    return (params.get(key) or "").strip().lower() in ("true", "1")


def since_param(params: MultiParams, key: str) -> datetime.datetime | None:
    """An ISO 8601 date or date-time lower bound (a date means its midnight, UTC).

    Raises QueryError when the param is there but not ISO 8601.
    """
    raw = text_param(params, key)
    if raw is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise QueryError(key, f"{key} must be an ISO 8601 date") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


def select(rows: Iterable[T], *tests: Callable[[T], bool]) -> list[T]:
    """The rows passing every test, in their order."""
    return [row for row in rows if all(test(row) for test in tests)]


def select_schemas(store: SimulatorStore, params: MultiParams) -> Sequence[SchemaRow]:
    """Schemas matching `ids[]`, ascending by id."""
    ids = id_filter(params, "ids[]")
    tests: list[Callable[[SchemaRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    return sorted(select(store.schemas.values(), *tests), key=lambda row: row.id)


def select_resources(store: SimulatorStore, params: MultiParams) -> Sequence[ResourceRow]:
    """Resources matching `ids[]` and `employee_ids[]` (employee owners only), ascending by id."""
    ids = id_filter(params, "ids[]")
    employees = id_filter(params, "employee_ids[]")
    tests: list[Callable[[ResourceRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    if employees is not None:
        tests.append(lambda row: row.attachable_type == EMPLOYEE and row.attachable_id in employees)
    return sorted(select(store.resources.values(), *tests), key=lambda row: row.id)


def select_values(store: SimulatorStore, params: MultiParams) -> Sequence[ValueRow]:
    """Values matching `ids[]` and `employee_ids[]` (by the value's owner), ascending by id."""
    ids = id_filter(params, "ids[]")
    employees = id_filter(params, "employee_ids[]")
    tests: list[Callable[[ValueRow], bool]] = []
    if ids is not None:
        tests.append(lambda row: row.id in ids)
    if employees is not None:
        tests.append(lambda row: row.attachable_id in employees)
    return sorted(select(store.values.values(), *tests), key=lambda row: row.id)
