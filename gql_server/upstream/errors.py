"""The upstream error family: every failure of a Factorial call surfaces as one of these.

    UpstreamError                       code
    ├── UpstreamUnauthenticated         UNAUTHENTICATED        401, or no credential at all
    ├── UpstreamForbidden               FORBIDDEN              403 (also "module not enabled")
    ├── UpstreamNotFound                NOT_FOUND              404
    ├── UpstreamBadInput                BAD_USER_INPUT         400, 409, 422
    ├── UpstreamRateLimited             RATE_LIMITED           429 (retry_after when known)
    ├── UpstreamUnavailable             UPSTREAM_UNAVAILABLE   5xx, connection failures
    │   └── UpstreamShed                UPSTREAM_UNAVAILABLE   not called: breaker open, queue full
    ├── UpstreamTimeout                 UPSTREAM_TIMEOUT       no answer within the deadline
    └── UpstreamBadResponse             UPSTREAM_BAD_RESPONSE  unparseable or unexpected body

Messages are ours and generic: an upstream body or a credential never becomes part of one.
`cause` says, for the log and `gql-server check`, why a call failed without a status (name
resolution, refused connection, TLS, a timeout, an unreadable body).
"""

from __future__ import annotations


class UpstreamError(Exception):
    """Base of every error raised by the upstream client."""

    code = "UPSTREAM_UNAVAILABLE"
    default_message = "Factorial could not answer."

    def __init__(
        self, message: str | None = None, *, status: int | None = None, cause: str | None = None
    ) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.status = status
        self.cause = cause


class UpstreamUnauthenticated(UpstreamError):
    code = "UNAUTHENTICATED"
    default_message = "Factorial did not accept the credential."


class UpstreamForbidden(UpstreamError):
    code = "FORBIDDEN"
    default_message = "The credential may not access this Factorial resource."


class UpstreamNotFound(UpstreamError):
    code = "NOT_FOUND"
    default_message = "Factorial has no such record."


class UpstreamBadInput(UpstreamError):
    code = "BAD_USER_INPUT"
    default_message = "Factorial rejected the input."

    def __init__(
        self, message: str | None = None, *, status: int | None = None, field: str | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.field = field


class UpstreamRateLimited(UpstreamError):
    code = "RATE_LIMITED"
    default_message = "Factorial is rate limiting this credential."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class UpstreamUnavailable(UpstreamError):
    code = "UPSTREAM_UNAVAILABLE"
    default_message = "Factorial is unavailable."


class UpstreamShed(UpstreamUnavailable):
    """We did not call Factorial at all (circuit open, too many calls waiting): never retried."""

    default_message = "Factorial is overloaded or failing; the call was not made."


class UpstreamTimeout(UpstreamError):
    code = "UPSTREAM_TIMEOUT"
    default_message = "Factorial did not answer in time."


class UpstreamBadResponse(UpstreamError):
    code = "UPSTREAM_BAD_RESPONSE"
    default_message = "Factorial sent a response that could not be read."
