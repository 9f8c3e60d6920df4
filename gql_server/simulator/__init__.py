"""A faithful fake of Factorial's custom resources REST API, for demos, tests and benchmarks."""

from __future__ import annotations

from .app import Simulator
from .calls import CallRecord
from .demo import build_demo_store
from .faults import Fault
from .rows import CellRow, ResourceRow, SchemaRow, ValueRow
from .store import SimulatorStore

__all__ = [
    "CallRecord",
    "CellRow",
    "Fault",
    "ResourceRow",
    "SchemaRow",
    "Simulator",
    "SimulatorStore",
    "ValueRow",
    "build_demo_store",
]
