"""The per-request context every resolver sees: who is asking, their loaders, their bill."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..upstream import FactorialClient, UpstreamSession, UpstreamStats
from ..upstream.credentials import Credential
from .journal import WriteJournal
from .loaders import Loaders, create_loaders


@dataclass(slots=True)
class Context:
    """Built once per GraphQL request by `build_context`; never shared across requests."""

    session: UpstreamSession
    loaders: Loaders
    stats: UpstreamStats
    request_id: str
    journal: WriteJournal | None = None
    """The request's idempotency record, when it carries an `Idempotency-Key`."""

    def close(self) -> None:
        """Free what the request read, now rather than at the next cycle collection."""
        self.loaders.close()
        self.session.close()


def build_context(
    client: FactorialClient,
    credential: Credential | None,
    request_id: str,
    journal: WriteJournal | None = None,
    *,
    fresh: bool = False,
) -> Context:
    """A fresh context acting as `credential`, with its own loaders and stats; with `fresh`,
    its reads skip the read cache shared across requests."""
    stats = UpstreamStats()
    deadline = time.monotonic() + client.options.request_timeout
    session = UpstreamSession(client, credential, stats, deadline, fresh=fresh)
    return Context(
        session=session,
        loaders=create_loaders(session),
        stats=stats,
        request_id=request_id,
        journal=journal,
    )
