"""Incremental delivery: @defer and @stream, completed a level at a time.

`execute_incrementally` runs an operation on `IncrementalExecutor` (the column executor that
leaves deferred fragments and streamed items out of a payload as units of a whole level,
records.py) and hands back the initial result with the `Schedule` that runs those units and
yields each later payload (`Increment`) as they complete. The response formats and the
multipart framing are HTTP's (http/increments.py, http/multipart.py).
"""

from .execute import IncrementalResult, execute_incrementally
from .executor import IncrementalExecutor
from .records import Record
from .rules import (
    IncrementalDeliveryOnQueriesOnly,
    StreamInitialCountIsACount,
    uses_incremental_delivery,
)
from .schedule import Completed, Deferred, Increment, Schedule, Streamed

__all__ = [
    "Completed",
    "Deferred",
    "Increment",
    "IncrementalDeliveryOnQueriesOnly",
    "IncrementalExecutor",
    "IncrementalResult",
    "Record",
    "Schedule",
    "StreamInitialCountIsACount",
    "Streamed",
    "execute_incrementally",
    "uses_incremental_delivery",
]
