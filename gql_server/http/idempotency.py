"""Idempotent mutations: an `Idempotency-Key` makes a mutation's writes happen at most once.

A mutation sent with the header gets a record per (credential fingerprint, key), bound to the
digest of its request (document, operation name and variables as canonical JSON). The first
request leads: it runs, and its answer is stored. A retry with the same key and body gets that
answer again (`idempotent-replayed: true`), on any process when the records are in Redis; one
with another body is refused (IDEMPOTENCY_KEY_REUSED); one that arrives while the first runs
waits for it, up to the request timeout (then IDEMPOTENCY_KEY_IN_USE).

An answer is stored only once it is final: without errors, or after a write whose effect is
unknown. A request that wrote nothing and failed is forgotten (its retry runs afresh), and one
that created a row but not all of its cells keeps that progress (its retry writes the missing
cells to the same row). With Redis configured and down, a keyed mutation is refused
(IDEMPOTENCY_UNAVAILABLE) before any write: a write made twice is what the key exists to
prevent, and another process could not see this one's record.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..fleet.idempotency import IdempotencyRecords
from ..fleet.store import StoreDown
from ..loading.journal import RowProgress
from ..upstream import Credential
from .request import GraphQLParams, HTTPError, RequestRefused

logger = logging.getLogger("gql_server.idempotency")

HEADER = "idempotency-key"
REPLAYED_HEADER = "idempotent-replayed"
MAX_KEY_LENGTH = 255
_KEY = re.compile(rf"[A-Za-z0-9._:~+/=-]{{1,{MAX_KEY_LENGTH}}}")
FIRST_POLL = 0.01
LONGEST_POLL = 0.1


class IdempotencyKeyReused(RequestRefused):
    code = "IDEMPOTENCY_KEY_REUSED"
    status = 422


class IdempotencyKeyInUse(RequestRefused):
    code = "IDEMPOTENCY_KEY_IN_USE"
    status = 409


class IdempotencyUnavailable(RequestRefused):
    code = "IDEMPOTENCY_UNAVAILABLE"
    status = 503


def read_key(headers: Mapping[str, str]) -> str | None:
    """The request's `Idempotency-Key`, or None; a malformed one is a 400. The draft writes
    the key as a structured-field string (in double quotes); a bare key is taken as well."""
    raw = headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not _KEY.fullmatch(key):
        raise HTTPError(
            400,
            f"`Idempotency-Key` must be 1 to {MAX_KEY_LENGTH} characters: letters, digits "
            "and . _ : ~ + / = - (a UUID fits).",
        )
    return key


def request_digest(query: str, operation_name: str | None, variables: Any) -> str:
    """What a retry must repeat exactly: the document, operation name and variables."""
    canonical = orjson.dumps(
        {"query": query, "operationName": operation_name, "variables": variables or {}},
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(canonical).hexdigest()


def record_name(fingerprint: str, key: str) -> str:
    """A record's name: the credential's fingerprint and a digest of the key (any length and
    characters the header allows make one short, safe name)."""
    return f"{fingerprint}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


@dataclass(slots=True)
class Lease:
    """Leading one record: the request runs, reporting its writes, then finishes it. Also the
    request's `WriteJournal`."""

    records: IdempotencyRecords
    name: str
    token: str
    rows: dict[str, RowProgress] = field(default_factory=dict)
    resumes: bool = False
    accounted: int = 0
    """Writes of this attempt whose effect the progress says (the row's POST, and each cell's
    POST, written or to be written again)."""

    def resumed(self, slot: str) -> RowProgress | None:
        return self.rows.get(slot) if self.resumes else None

    async def row_created(self, slot: str, row_id: str, field_ids: Iterable[str]) -> None:
        self.rows[slot] = RowProgress(row_id, frozenset(field_ids))
        self.accounted += 1
        await self._note()

    async def cells_written(self, slot: str, field_ids: Iterable[str], attempted: int) -> None:
        row = self.rows.get(slot)
        if row is not None:
            self.accounted += attempted
            self.rows[slot] = RowProgress(row.row_id, row.written | frozenset(field_ids))
            await self._note()

    def is_final(self, failed: bool, writes: int) -> bool:
        """Whether an answer is the request's last word: it succeeded, or made a write whose
        effect its progress does not say (a retry must not make it again). A failure after
        none, or only accounted-for writes, lets a retry run (and resume)."""
        return not failed or writes > self.accounted

    async def _note(self) -> None:
        progress = orjson.dumps(
            {slot: {"row": p.row_id, "written": sorted(p.written)} for slot, p in self.rows.items()}
        )
        try:
            await self.records.note(self.name, self.token, progress)
        except StoreDown:
            # The write is made; only its retry cannot resume from it now. Said once per write.
            logger.warning("an idempotent request's progress could not be recorded")

    async def finish(self, answer: bytes | None) -> None:
        """Store the final answer, or None: let a retry run (resuming any progress noted)."""
        try:
            await self.records.finish(self.name, self.token, answer)
        except StoreDown:
            logger.warning("an idempotent request's answer could not be recorded")


def _progress(value: bytes | None) -> dict[str, RowProgress]:
    if value is None:
        return {}
    data = orjson.loads(value)
    return {
        slot: RowProgress(str(row["row"]), frozenset(str(f) for f in row["written"]))
        for slot, row in data.items()
    }


class Idempotency:
    """Claims records for keyed mutations; `wait_seconds` bounds a wait for a running one."""

    def __init__(self, records: IdempotencyRecords, *, wait_seconds: float) -> None:
        self.records = records
        self.wait_seconds = wait_seconds

    async def claim_request(
        self,
        headers: Mapping[str, str],
        credential: Credential | None,
        query: str,
        params: GraphQLParams,
    ) -> Lease | bytes | None:
        """The record of a mutation sent with an `Idempotency-Key`: a lease to run it, or its
        stored answer; None without the header."""
        key = read_key(headers)
        if key is None:
            return None
        scope = credential.fingerprint if credential is not None else "anonymous"
        digest = request_digest(query, params.operation_name, params.variables)
        return await self.claim(record_name(scope, key), digest)

    async def claim(self, name: str, digest: str) -> Lease | bytes:
        """A lease to run the request, or the stored answer of an earlier run."""
        token = secrets.token_hex(8)
        until = time.monotonic() + self.wait_seconds
        delay = FIRST_POLL
        while True:
            try:
                claim = await self.records.begin(name, digest, token)
            except StoreDown:
                raise IdempotencyUnavailable(
                    "Idempotent requests cannot be recorded right now; nothing was written. "
                    "Retry with the same key."
                ) from None
            if claim.state == "done":
                assert claim.value is not None
                return claim.value
            if claim.state == "reused":
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was used with another request: a retry must repeat "
                    "the document, operation name and variables exactly; use a new key for a "
                    "new request."
                )
            if claim.state == "lead":
                rows = _progress(claim.value)
                return Lease(self.records, name, token, rows, resumes=bool(rows))
            if time.monotonic() + delay >= until:
                raise IdempotencyKeyInUse(
                    "A request with this Idempotency-Key is still running; retry later."
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_POLL)


def encode_answer(payload: dict[str, Any], refused_status: int | None) -> bytes:
    return orjson.dumps({"payload": payload, "status": refused_status})


def decode_answer(answer: bytes) -> tuple[dict[str, Any], int | None]:
    data = orjson.loads(answer)
    return data["payload"], data["status"]
