"""Reading a `multipart/mixed` incremental answer as it arrives, and merging its parts.

Written from RFC 2046's multipart framing and the incremental delivery format Apollo Client 4
asks for (`deferSpec=20220824`): the first part is `{data, hasNext}`, each later one carries
`incremental` entries, `{data, path}` for a deferred fragment and `{items, path}` for streamed
items. Nothing here is the gateway's code: a misreading on either side shows as a failure.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


def boundary_of(content_type: str) -> bytes:
    found = _BOUNDARY.search(content_type)
    if found is None or not content_type.lower().startswith("multipart/mixed"):
        raise RuntimeError(f"not a multipart answer: {content_type!r}")
    return found.group(1).encode()


async def read_parts(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """Each part's JSON as soon as the part has arrived whole."""
    delimiter = b"\r\n--" + boundary_of(response.headers.get("content-type", ""))
    # A leading CRLF makes a delimiter at the very start look like every other one.
    buffer = b"\r\n"
    seen_first = False
    async for chunk in response.aiter_bytes():
        buffer += chunk
        while True:
            start = buffer.find(delimiter)
            if start < 0:
                break
            if not seen_first:
                buffer = buffer[start + len(delimiter) :]
                seen_first = True
                continue
            segment, buffer = buffer[:start], buffer[start + len(delimiter) :]
            _, _, body = segment.partition(b"\r\n\r\n")
            if body.strip():
                yield orjson.loads(body)
            if buffer.startswith(b"--"):
                return


def merge_parts(parts: list[dict[str, Any]]) -> Any:
    """The `data` of the parts merged: each deferred fragment's data into the object at its
    path, each stream's items appended to the list at its path."""
    data = parts[0]["data"]
    for part in parts[1:]:
        for entry in part.get("incremental") or []:
            path = entry["path"]
            if "items" in entry:
                target = _at(data, path[:-1])
                assert isinstance(target, list) and len(target) == path[-1], path
                target.extend(entry["items"])
            else:
                _merge(_at(data, path), entry["data"])
    return data


def _at(data: Any, path: list[str | int]) -> Any:
    for key in path:
        data = data[key]
    return data


def _merge(target: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value
