"""State a fleet of gateway processes shares through Redis, with in-process fallbacks.

Owns the connection to Redis and its health (`store`): every operation has a short timeout,
and while Redis is down or slow each caller falls back to what one process can do alone. The
mechanisms built on it speak of keys and values only: they know nothing of Factorial, GraphQL
or HTTP, so that `upstream` and `http` may both use them.

Imports nothing else of the package (contracts in pyproject.toml).
"""

from .flights import Flights, Seat
from .governor import RateExceeded, RateGovernor
from .rates import Rate, parse_rate
from .store import SharedStore, StoreDown
from .vault import SharedVault

__all__ = [
    "Flights",
    "Rate",
    "RateExceeded",
    "RateGovernor",
    "Seat",
    "SharedStore",
    "SharedVault",
    "StoreDown",
    "parse_rate",
]
