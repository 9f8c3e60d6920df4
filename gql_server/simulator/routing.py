"""Parsing `/api/{version}/resources/...` paths into the call-counter key and a target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .records import ApiVersion, parse_version

Collection = Literal["schemas", "resources", "values"]
COLLECTIONS: tuple[Collection, ...] = ("schemas", "resources", "values")
WRITABLE: frozenset[str] = frozenset({"schemas", "values"})
NAMESPACE = "custom_resources"


@dataclass(frozen=True, slots=True)
class ApiTarget:
    """What a request under /api/ asks for.

    `key` is the path after `/api/{version}/resources/` with the id segment replaced by `{id}`
    (e.g. `custom_resources/values/{id}`); `collection` is None when the path is not one of
    ours (or the version is not a date), which the app answers with 404.
    """

    key: str
    version: ApiVersion | None = None
    collection: Collection | None = None
    record_id: str | None = None

    def allowed_methods(self) -> tuple[str, ...]:
        """The HTTP methods this target answers."""
        if self.collection is None:
            return ()
        if self.record_id is None and self.collection in WRITABLE:
            return ("GET", "POST")
        return ("GET",)


def resolve(path: str) -> ApiTarget:
    """Resolve an absolute path that starts with `/api/`."""
    segments = path.removeprefix("/api/").rstrip("/").split("/")
    if len(segments) < 2 or segments[1] != "resources":
        return ApiTarget(key="/".join(segments))
    rest = segments[2:]
    if len(rest) >= 3:
        rest = [*rest[:2], "{id}", *rest[3:]]
    target = ApiTarget(key="/".join(rest))
    version = parse_version(segments[0])
    if version is None or len(rest) not in (2, 3) or rest[0] != NAMESPACE:
        return target
    collection = next((c for c in COLLECTIONS if c == rest[1]), None)
    if collection is None:
        return target
    record_id = segments[4] if len(rest) == 3 else None
    return ApiTarget(key=target.key, version=version, collection=collection, record_id=record_id)
