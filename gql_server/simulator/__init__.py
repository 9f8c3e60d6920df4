"""A faithful fake of Factorial's custom resources API (and the custom fields and employees
endpoints that hold a table's columns, cells and owners), for demos, tests and benchmarks.

Imports nothing else of gql_server, so that a misreading of Factorial's wire format shows up
as a failing test rather than two halves agreeing by construction (contracts in
pyproject.toml).
"""

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
from .write_limit import WriteLimit

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
    "WriteLimit",
    "build_demo_store",
]
