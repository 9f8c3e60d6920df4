"""Parsing `/api/{version}/resources/...` paths into the call-counter key and a target."""

from __future__ import annotations

from dataclasses import dataclass

from .records import ApiVersion, parse_version

# `{namespace}/{name}` of every simulated collection.
COLLECTIONS: tuple[str, ...] = (
    "custom_resources/schemas",
    "custom_resources/resources",
    "custom_resources/values",
    "custom_fields/fields",
    "custom_fields/options",
    "custom_fields/resource_fields",
    "custom_fields/values",
    "employees/employees",
)


@dataclass(frozen=True, slots=True)
class ApiTarget:
    """What a request under /api/ asks for.

    `key` is the path after `/api/{version}/resources/` with the id segment replaced by `{id}`
    (e.g. `custom_resources/values/{id}`); `collection` (e.g. `custom_fields/values`) is None
    when the path is not one of ours (or the version is not a date), which the app answers
    with 404.
    """

    key: str
    version: ApiVersion | None = None
    collection: str | None = None
    record_id: str | None = None


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
    collection = "/".join(rest[:2])
    if version is None or len(rest) not in (2, 3) or collection not in COLLECTIONS:
        return target
    record_id = segments[4] if len(rest) == 3 else None
    return ApiTarget(key=target.key, version=version, collection=collection, record_id=record_id)
