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
from .oauth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, OAuthServer
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
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "CallRecord",
    "CellRow",
    "EmployeeRow",
    "Fault",
    "FieldRow",
    "OAuthServer",
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
