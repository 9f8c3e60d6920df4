"""A minimal keep-alive HTTP/1.1 client for load generation and latency sampling.

Much cheaper per request than httpx, so the process that measures spends its core on
measuring. It speaks only what the bench needs: POST/GET with a body, responses with
content-length.
"""

from __future__ import annotations

import asyncio
import contextlib

import orjson


class HTTPConnection:
    """One keep-alive connection to 127.0.0.1:port; one request at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self._reader, self._writer

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """Send one request; the status and the body of its response."""
        reader, writer = await self._open()
        head = (
            f"{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{self.port}\r\n"
            "content-type: application/json\r\naccept: application/json\r\n"
            f"content-length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        try:
            raw_head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()
            raise
        lines = raw_head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        payload = await reader.readexactly(length) if length else b""
        return status, payload

    async def post_json(self, path: str, document: object) -> tuple[int, bytes]:
        return await self.request("POST", path, orjson.dumps(document))

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


async def get_json(port: int, path: str) -> object:
    """One GET on a fresh connection, its JSON body decoded."""
    connection = HTTPConnection(port)
    try:
        _, body = await connection.request("GET", path)
    finally:
        await connection.close()
    return orjson.loads(body)
