"""The ASGI application (`factory`) and the parts it is built of, each from `Settings` (`parts`)."""

from .factory import create_app
from .parts import (
    DEMO_BASE_URL,
    create_endpoint,
    demo_transport,
    describe_posture,
    no_cookies,
    oauth_tokens,
    server_credential,
    token_sealer,
    token_vault,
)

__all__ = [
    "DEMO_BASE_URL",
    "create_app",
    "create_endpoint",
    "demo_transport",
    "describe_posture",
    "no_cookies",
    "oauth_tokens",
    "server_credential",
    "token_sealer",
    "token_vault",
]
