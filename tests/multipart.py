"""A client's side of incremental delivery, written from the specifications rather than from
the server's code: reading a multipart/mixed body, and merging its parts in either format.

`read_parts` follows the GraphQL-over-HTTP incremental delivery RFC (boundary from the
Content-Type, CRLF `--boundary` delimiters, a Content-Type header on each part, the closing
delimiter `--boundary--`) and fails on anything else. `merge` applies the payloads as Apollo
Client's handlers do: `deferSpec=20220824` entries by their own `path`, `incrementalSpec=v0.2`
entries by the path of the `pending` id they name (plus `subPath`).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from typing import Any

PART_TYPE = "application/json; charset=utf-8"


def boundary_of(content_type: str) -> str:
    match = re.search(r';\s*boundary="?([^";]+)"?', content_type)
    assert match is not None, content_type
    return match.group(1)


def spec_of(content_type: str) -> str:
    """`deferSpec=20220824` or `incrementalSpec=v0.2`, as the Content-Type names it."""
    match = re.search(r";\s*((?:deferSpec|incrementalSpec)=[^;\s]+)", content_type)
    assert match is not None, content_type
    return match.group(1)


def split_parts(body: bytes, boundary: str) -> tuple[list[dict[str, Any]], bool]:
    """The JSON parts of a (possibly partial) multipart body, and whether it is closed."""
    delimiter = b"\r\n--" + boundary.encode()
    segments = body.split(delimiter)
    assert segments[0] == b"", f"unexpected preamble {segments[0][:80]!r}"
    closed = segments[-1] == b"--\r\n"
    # The last segment is the closing marker, or a part not yet followed by its delimiter.
    parts = []
    for segment in segments[1:-1]:
        head, separator, payload = segment.partition(b"\r\n\r\n")
        assert separator, segment[:80]
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (
                line.partition(":") for line in head.decode().split("\r\n") if line
            )
        )
        assert headers == {"content-type": PART_TYPE}, headers
        parts.append(json.loads(payload))
    return parts, closed


def read_parts(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """Every part of a complete multipart/mixed body."""
    assert content_type.startswith("multipart/mixed"), content_type
    parts, closed = split_parts(body, boundary_of(content_type))
    assert closed, "the body does not end with the closing delimiter"
    return parts


def merge(parts: list[dict[str, Any]], spec: str) -> dict[str, Any]:
    """The response the parts add up to: `data`, `errors` (if any) and the last `extensions`.

    Also checks what every client relies on: `hasNext` true on every part but the last."""
    assert [p["hasNext"] for p in parts] == [True] * (len(parts) - 1) + [False], parts
    first = parts[0]
    result: dict[str, Any] = {"data": first["data"]}
    errors = list(first.get("errors", ()))
    pending: dict[str, list[Any]] = {}
    done: set[str] = set()
    for part in parts:
        for announced in part.get("pending", ()):
            assert spec == "incrementalSpec=v0.2", part
            assert announced["id"] not in pending
            pending[announced["id"]] = announced["path"]
        if part is first:
            continue
        for entry in part.get("incremental", ()):
            errors += entry.get("errors", ())
            if spec == "incrementalSpec=v0.2":
                path = pending[entry["id"]] + entry.get("subPath", [])
                assert entry["id"] not in done
            else:
                path = entry["path"]
            if "items" in entry:
                _add_items(result["data"], path, entry["items"], spec)
            elif entry["data"] is not None:
                _merge_into(_at(result["data"], path), entry["data"])
        for completed in part.get("completed", ()):
            assert completed["id"] in pending and completed["id"] not in done
            done.add(completed["id"])
            errors += completed.get("errors", ())
    assert set(pending) == done, f"announced but never completed: {set(pending) - done}"
    if errors:
        result["errors"] = errors
    if "extensions" in parts[-1]:
        result["extensions"] = parts[-1]["extensions"]
    return result


def _at(data: Any, path: list[Any]) -> Any:
    for key in path:
        data = data[key]
    return data


def _merge_into(target: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key in target and isinstance(value, dict) and isinstance(target[key], dict):
            _merge_into(target[key], value)
        else:
            assert key not in target or target[key] == value, key
            target[key] = value


def _add_items(data: Any, path: list[Any], items: list[Any] | None, spec: str) -> None:
    if items is None:
        return  # a failed stream (20220824): its errors say why
    if spec == "incrementalSpec=v0.2":
        _at(data, path).extend(items)
        return
    listed = _at(data, path[:-1])
    assert path[-1] == len(listed), f"items resume at {path[-1]}, the list has {len(listed)}"
    listed.extend(items)


def strip_directives(query: str) -> str:
    """The same query without @defer and @stream (blanked, so that every other location is
    unchanged): what the parts must add up to."""
    return re.sub(r"@(defer|stream)(\s*\([^)]*\))?", lambda m: " " * len(m.group()), query)


class StreamingCall:
    """One POST straight through an ASGI app, its body read as the app sends it (httpx's
    ASGITransport only returns once the app is done) and the client able to leave."""

    def __init__(self, app: Any, body: Mapping[str, Any], headers: Mapping[str, str]) -> None:
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.left = asyncio.Event()
        raw = json.dumps(body).encode()
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": raw, "more_body": False}
            await self.left.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            await self.messages.put(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"localhost"),
                (b"content-type", b"application/json"),
                *((k.lower().encode(), v.encode()) for k, v in headers.items()),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("localhost", 80),
        }
        self.task = asyncio.ensure_future(app(scope, receive, send))
        self.body = b""
        self.headers: dict[str, str] = {}

    async def start(self) -> int:
        message = await self.messages.get()
        assert message["type"] == "http.response.start", message
        self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        return int(message["status"])

    async def next_parts(self) -> tuple[list[dict[str, Any]], bool]:
        """Read the body until it holds one more complete part (or ends): all parts so far."""
        boundary = boundary_of(self.headers["content-type"])
        count = len(split_parts(self.body, boundary)[0])
        while True:
            message = await self.messages.get()
            assert message["type"] == "http.response.body", message
            self.body += message.get("body", b"")
            parts, closed = split_parts(self.body, boundary)
            if len(parts) > count or closed or not message.get("more_body", False):
                return parts, closed

    async def leave(self) -> None:
        """The client goes away; the app's call must then end."""
        self.left.set()
        await asyncio.wait_for(self.task, 10)
