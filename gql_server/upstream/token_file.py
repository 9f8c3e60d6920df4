"""Tokens stored in a file of their own (mode 0600) for a fleet without Redis: one host."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from pathlib import Path

TOKENS_FILE = "oauth-tokens"
LOCK_FILE = "oauth-tokens.lock"


class FileVault:
    """Bytes in `directory`/oauth-tokens, replaced atomically; `exclusive` is an flock, so
    the processes of one host (`serve --workers N`) refresh one at a time."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / TOKENS_FILE

    async def load(self) -> bytes | None:
        try:
            return await asyncio.to_thread(self.path.read_bytes)
        except FileNotFoundError:
            return None

    async def save(self, data: bytes) -> None:
        await asyncio.to_thread(self._write, data)

    def _write(self, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_name(f".{TOKENS_FILE}.{os.getpid()}")
        # Created 0600 (never readable by others, not even for an instant), then renamed over
        # the old file: a reader sees the old pair or the new one, never half of one.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self.path)

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock
