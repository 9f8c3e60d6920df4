"""CallRecord: what the simulator remembers of each request under /api/."""

from __future__ import annotations

from dataclasses import dataclass

from .auth import CredentialKind


@dataclass(slots=True)
class CallRecord:
    """One request that reached /api/.

    `route` is the call-counter route (`custom_resources/values/{id}`), `path` the full path,
    `params` the query string in order with repeated keys kept. `status` is None until the
    response is decided. Only the kind of credential is kept, never the secret.
    """

    method: str
    route: str
    path: str
    params: list[tuple[str, str]]
    status: int | None = None
    credential_kind: CredentialKind | None = None

    @property
    def key(self) -> str:
        """The call-counter key, `"{METHOD} {route}"`."""
        return f"{self.method} {self.route}"
