"""A faithful fake of Factorial's custom resources API (and the custom fields and employees
endpoints that hold a table's columns, cells and owners), for demos, tests and benchmarks."""

from __future__ import annotations

from .app import Simulator
from .calls import CallRecord
from .demo import build_demo_store
from .faults import Fault
from .rows import (
    CellRow,
    EmployeeRow,
    FieldRow,
    OptionRow,
    ResourceFieldRow,
    ResourceRow,
    SchemaRow,
    ValueRow,
)
from .store import SimulatorStore

__all__ = [
    "CallRecord",
    "CellRow",
    "EmployeeRow",
    "Fault",
    "FieldRow",
    "OptionRow",
    "ResourceFieldRow",
    "ResourceRow",
    "SchemaRow",
    "Simulator",
    "SimulatorStore",
    "ValueRow",
    "build_demo_store",
]
