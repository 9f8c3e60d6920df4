"""The server's configuration: `Settings` (every knob, from the environment or passed in by
tests), `load_settings` (from the environment, every problem named by its variable) and
`ConfigError`.

Imports `fleet` (rates) and `upstream` (the state key's check); nothing imports it but `app/`
and `cli/` (contracts in pyproject.toml).
"""

from .errors import ConfigError
from .loading import load_settings
from .settings import (
    DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
    DEFAULT_GRAPHIQL_ASSETS_URL,
    LOCAL_HOSTS,
    Settings,
)

__all__ = [
    "DEFAULT_API_VERSION",
    "DEFAULT_BASE_URL",
    "DEFAULT_GRAPHIQL_ASSETS_URL",
    "LOCAL_HOSTS",
    "ConfigError",
    "Settings",
    "load_settings",
]
