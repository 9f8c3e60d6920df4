"""The last known size of each whole collection, per credential, for cost estimates."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping


class CollectionSizes:
    """Remembers `meta.total` of unfiltered list calls, keyed by credential fingerprint.

    Only sizes are kept (never records), bounded to the most recent credentials, so an
    estimate for one caller is made from that caller's own data.
    """

    def __init__(self, max_credentials: int = 10_000) -> None:
        self.max_credentials = max_credentials
        self._sizes: OrderedDict[str, dict[str, int]] = OrderedDict()

    def record(self, fingerprint: str, path: str, total: int) -> None:
        sizes = self._sizes.get(fingerprint)
        if sizes is None:
            sizes = self._sizes[fingerprint] = {}
            if len(self._sizes) > self.max_credentials:
                self._sizes.popitem(last=False)
        else:
            self._sizes.move_to_end(fingerprint)
        sizes[path] = total

    def get(self, fingerprint: str, path: str) -> int | None:
        sizes = self._sizes.get(fingerprint)
        return None if sizes is None else sizes.get(path)

    def of(self, fingerprint: str) -> Mapping[str, int]:
        """Every size seen with this credential, by path (read-only; empty when none)."""
        return self._sizes.get(fingerprint) or {}
